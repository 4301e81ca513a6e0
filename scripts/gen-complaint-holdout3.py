#!/usr/bin/env python3
"""Writes tests/fixtures/complaints/holdout3.csv: the third hand-written set, written just
before the last vocabulary change (recall 0.130 before it, 0.913 after). Its author wrote that
change too, so the second figure is optimistic (see the README). bench/complaints.sh reports it."""
import csv, os

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "complaints", "holdout3.csv")
C, N = "complaint", "not_complaint"
rows = [
 ("en", C, "quality", "Hair dryers", "Dear Zhang,\n\nSeveral hair dryers from the last lot trip the fuse as soon as they are switched to the hot setting. We had to take the whole lot off the shelves.\n\nBest,\nGreg"),
 ("en", C, "quality", "Knives", "The knife handles crack along the rivets after a couple of weeks of normal use. Customers are bringing them back."),
 ("en", C, "quality", "Printing", "The logo print on the tote bags rubs off with a fingernail. This is not what we approved in the pre-production sample."),
 ("en", C, "quality", "LED strips", "About a third of the LED strips show dead sections after installation. The electrician says the solder joints are bad."),
 ("en", C, "transit_damage", "Pallets", "Pallets arrived with the shrink wrap ripped open and the boxes caved in. The driver noted it on the CMR."),
 ("en", C, "transit_damage", "Glassware", "Lots of the wine glasses came out of the cartons chipped or cracked. The dividers inside the cartons were missing."),
 ("en", C, "short_wrong_shipment", "Order 9921", "We got the 12-piece sets, but our PO was for the 18-piece sets. Please advise how you will exchange them."),
 ("en", C, "short_wrong_shipment", "Cartons", "Carton numbers 45 to 52 were never delivered. The forwarder says they were not loaded in Ningbo."),
 ("en", C, "late_delivery", "Still waiting", "It's the end of November and we still do not have a booking confirmation. You said the goods were ready in October."),
 ("en", C, "late_delivery", "ETA", "The container was supposed to be in Rotterdam last week. Our customer has now cancelled part of the order because of this."),
 ("en", C, "documents", "Original B/L", "We have not received the original bills of lading and the goods are sitting at the port. Please courier them immediately."),
 ("en", C, "payment_dispute", "Credit note", "The credit note you issued is for USD 800, but we agreed on USD 1,400 for the broken units. Please reissue it."),
 ("en", C, "service", "Nobody", "I have been trying to reach someone in your export team for a week. Phones are not answered and emails bounce."),
 ("en", N, "", "Reorder", "Hi Zhang, same items as PO 8812 please, 2 x 40HQ, delivery in March. Send the PI when ready."),
 ("en", N, "", "Re: glasses", "Perfect, the replacement glasses arrived without a single broken one. Thanks for the better packing."),
 ("en", N, "", "Drop test", "Could you run a drop test on the new carton before mass production? We want to be sure nothing breaks in transit."),
 ("en", N, "", "Holiday schedule", "Please tell us your factory's Chinese New Year closing dates so we can plan orders."),
 ("en", N, "", "Discount?", "If we order 10,000 units instead of 5,000, what discount can you give?"),
 ("en", N, "", "Label files", "Attached are the label files for the next order. Please print exactly as shown."),
 ("en", N, "", "Audit", "Our social compliance audit is scheduled for 14 January. Please prepare the documents listed in the attachment."),
 ("zh", C, "quality", "吹风机", "张经理：最后一批吹风机有好几台一开热风就跳闸，我们已经把整批货下架了。"),
 ("zh", C, "quality", "刀具", "刀柄用了两周就沿着铆钉开裂，顾客纷纷拿回来退。"),
 ("zh", C, "quality", "印刷", "帆布袋上的logo用指甲一刮就掉，和产前样完全不一样。"),
 ("zh", C, "transit_damage", "托盘", "托盘到的时候缠绕膜破了，箱子都塌了，司机已经在运单上注明。"),
 ("zh", C, "short_wrong_shipment", "套装", "我们订的是18件套，收到的是12件套，请告诉我们怎么换货。"),
 ("zh", C, "short_wrong_shipment", "箱号", "45号到52号箱一直没到，货代说在宁波根本没装上。"),
 ("zh", C, "late_delivery", "订舱", "都十一月底了，订舱确认还没有，你们说十月份货就好了。"),
 ("zh", C, "documents", "正本提单", "正本提单一直没收到，货压在港口，请马上快递过来。"),
 ("zh", C, "payment_dispute", "贷记单", "贷记单开的是800美元，可我们谈好的是1400美元，请重新开。"),
 ("zh", C, "service", "联系不上", "我一个星期都联系不上你们外贸部的人，电话没人接，邮件也被退回。"),
 ("zh", N, "", "返单", "张经理，和PO 8812一样的货，两个40HQ，三月交货，PI好了发我。"),
 ("zh", N, "", "回复: 酒杯", "很好，补发的酒杯一个都没碎，包装改进了，谢谢。"),
 ("zh", N, "", "跌落测试", "量产前能不能对新纸箱做个跌落测试？我们要确保运输途中不会摔坏。"),
 ("zh", N, "", "放假安排", "请告诉我们工厂春节的放假时间，我们好安排订单。"),
 ("zh", N, "", "折扣", "如果订一万个而不是五千个，能给多少折扣？"),
 ("zh", N, "", "验厂", "我们的社会责任验厂定在1月14日，请按附件准备资料。"),
]
with open(OUT, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "lang", "label", "category", "subject", "body"])
    for i, (lang, label, cat, subj, body) in enumerate(rows, 1):
        w.writerow([f"h3-{lang}-{i:03d}", lang, label, cat, subj, body])
print(f"wrote {len(rows)} emails to {os.path.normpath(OUT)}")
