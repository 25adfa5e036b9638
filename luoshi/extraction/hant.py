"""Traditional → simplified characters, one for one, so the Chinese cues read both scripts.

Only characters that occur in cue words, unit names and document nouns are mapped; the
mapping keeps length, so spans found in the folded text index the original text exactly.
"""

from __future__ import annotations

_PAIRS = (
    "會会議议強强調调說说認认為为確确決决號号們们還还進进與与動动實实堅坚嚴严續续統统籌筹"
    "積积極极擴扩優优準准緊紧盡尽計计終终發发揮挥範范穩稳並并舉举壓压織织鞏巩開开組组廣广時时"
    "奮奋爭争於于樹树勵励導导厲厉門门單单機机構构廳厅辦办級级業业係系統统關关鍵键義义對对針针圍围"
    "繞绕據据結结過过題题點点項项總总書书記记習习傳传達达學学貫贯徹彻聽听報报審审討讨論论務务應应"
    "當当須须體体現现設设規规劃划計计畫画綱纲條条辦办規规則则細细預预協协備备錄录歷历區区縣县"
    "鄉乡鎮镇黨党國国務务員员職职責责長长領领導导幹干廠厂產产資资環环境境護护險险災灾營营貿贸"
    "濟济歲岁財财稅税費费價价錢钱銀银幣币貨货車车運运輸输鐵铁軌轨線线網网電电氣气熱热農农糧粮"
    "醫医藥药衛卫療疗險险養养險险頭头題题類类問问質质觀观覽览遊游戲戏劇剧藝艺術术語语詞词順顺"
    "應应變变讓让歡欢樂乐難难辦办務务專专門门體体驗验證证據据處处罰罚禁禁違违規规訂订購购買买賣卖"
    "緣缘態态狀状況况勢势圖图層层級级覆覆蓋盖監监督督檢检查查測测評评價价獎奖懲惩紀纪律律廉廉潔洁"
    "腐腐敗败風风險险隱隐患患排排轉转換换創创新新團团隊队夥伙伴伴聯联繫系絡络溝沟通通協协調调"
    "衝冲突突擊击戰战鬥斗勝胜利利種种樣样麼么這这那那個个兩两萬万億亿幾几讀读寫写語语訊讯"
    "響响應应聲声聞闻視视頻频網网絡络數数據据庫库雲云軟软硬硬將将來来後后內内銷销售售細细節节"
    "約约專专屬属獨独層层確确認认識识記记憶忆歸归納纳總总結结餘余額额增增減减虧亏損损"
    "攜携帶带領领飛飞機机場场橋桥樓楼邊边遠远鄰邻園园區区場场館馆際际標标準准價价錄录"
    "啟启動动載载進进陣阵營营幫帮助助護护彈弹藥药險险續续斷断絕绝還还給给紮扎穩稳妥妥"
    "滿满圓圆貢贡獻献慶庆豐丰儘尽嚴严謹谨認认準准確确實实際际況况題题屆届選选舉举閉闭幕幕"
    "聯联辦办紅红綠绿藍蓝黃黄鮮鲜碼码號号務务適适當当產产權权條条款款項项綜综複复雜杂權权"
    "辭辞職职級级佈布鬆松緩缓慮虑憂忧獲获補补貼贴縮缩擴扩興兴辦办驗验證证繼继續续擔担負负"
    "儲储備备災灾險险癒愈濕湿暫暂餘余嶺岭嶽岳灣湾島岛龍龙鳳凤廟庙寧宁豐丰鄭郑劉刘陳陈楊杨趙赵"
    "蘇苏湯汤馬马龐庞齊齐韓韩東东陽阳廣广鋼钢煤煤礦矿燒烧爐炉廢废氣气汙污漬渍淨净"
)
_MAP = {ord(_PAIRS[i]): _PAIRS[i + 1] for i in range(0, len(_PAIRS) - 1, 2)}
# Same-character pairs carry no change; drop them so the table stays small.
_MAP = {k: v for k, v in _MAP.items() if chr(k) != v}


def to_simplified(text: str) -> str:
    """The text with traditional characters folded to simplified ones, same length."""
    return text.translate(_MAP)
