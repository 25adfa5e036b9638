"""The real S3 server (SeaweedFS) and a bucket per test, for test_s3_store.py."""

from luoshi.testing.s3 import s3_bucket, s3_server  # noqa: F401
