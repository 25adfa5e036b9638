from luoshi.tasks.lifecycle import Status


def test_it_walks_a_task_to_completion(province):
    """A task goes from draft to completed through the services."""
    task = province.completed()
    assert task.status == Status.COMPLETED
    assert task.progress == 100
