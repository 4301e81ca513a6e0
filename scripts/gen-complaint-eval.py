#!/usr/bin/env python3
"""Generates tests/fixtures/complaints/eval.csv: the labelled evaluation set for complaint
detection (issue 5). Realistic business mail in English and Chinese (thoroughly) and in
es/pt/ru/fr/de/ar (common vocabulary): complaints of every category, and tricky negatives —
inquiries, price negotiations, thank-yous, "no damage"/"没有质量问题", quoted complaints
inside non-complaints, shipping and payment notices.

The sentences were written as customers write, not from config/complaints.toml; run
    python3 scripts/gen-complaint-eval.py
to regenerate (deterministic: fixed seed). Columns: id,lang,label,category,subject,body.
"""
import csv
import random
import os

R = random.Random(20261129)
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "complaints", "eval.csv")

PRODUCTS_EN = ["LED panel lights LD-610", "garden hose reels GH-200", "stainless steel kettles SK-17",
               "hand blenders HB-300", "thermostatic valves TV-25", "cordless drills CD-18V",
               "ceramic mugs CM-350", "solar garden lamps SL-05", "office chairs OC-88", "bath towels BT-70"]
PRODUCTS_ZH = ["LD-610面板灯", "GH-200水管卷盘", "SK-17不锈钢水壶", "HB-300手持搅拌棒", "TV-25恒温阀",
               "CD-18V充电钻", "CM-350陶瓷杯", "SL-05太阳能草坪灯", "OC-88办公椅", "BT-70浴巾"]
NAMES_EN = ["Anna Schmidt", "John Miller", "Maria Rossi", "Ahmed Khan", "Olga Petrova", "Carlos Diaz",
            "Sophie Martin", "Tom Becker", "Priya Nair", "Kevin O'Brien"]
NAMES_ZH = ["周明", "王丽", "刘强", "陈红", "赵军", "孙芳", "李娜", "吴涛"]
STAFF_EN = ["Li Wei", "Zhang Min", "Chen Jing"]
STAFF_ZH = ["李伟", "张敏", "陈静"]

def order():
    return f"PO-{R.randint(2026001, 2026999)}"

def qty():
    return R.choice([120, 240, 500, 800, 1000, 1500, 2000, 3600])

# ---------------------------------------------------------------- English complaint cores
EN = {
 "quality": [
  "We have started using the {p} from order {o} and about 15% of them fail after a few hours. The drivers seem to be defective.",
  "Our QC team checked the {p} on arrival: many units have visible cracks and the finish is peeling off. This is far below the approved sample.",
  "The {p} we received leak at the base. Our customers are returning them and we are very disappointed with the quality of this batch.",
  "Out of {q} pcs of {p}, 86 do not work at all when switched on. We need a solution for these faulty units.",
  "The {p} rust after one week outdoors although you confirmed stainless steel. This is not the quality we paid for.",
  "Several {p} overheat and smell burnt after ten minutes of use. This is a serious problem for us.",
  "The colour of the {p} is totally different from the sample we approved, and the stitching comes apart.",
  "Lab test report attached: the {p} failed the drop test and the handle breaks off easily. Please explain how this passed your inspection.",
  "Half of the {p} in order {o} are flickering and some stopped working after two days of installation.",
  "Customers complain that the {p} are unusable: the motor stalls and the switch is loose. The defect rate is above 10%.",
 ],
 "transit_damage": [
  "The container with order {o} was opened yesterday and 42 cartons of {p} were crushed; many units inside are broken.",
  "When the shipment arrived the pallets had collapsed and the cartons were wet. A large part of the {p} is damaged.",
  "Please see the photos: the outer cartons were torn and the {p} inside are dented. The forwarder says the packing was too weak.",
  "About 300 pcs of {p} arrived smashed. The cartons used are only three-layer and could not hold the weight.",
  "The goods from order {o} came in with water damage, the boxes are soaked and mouldy. We cannot sell them like this.",
  "Our warehouse reports that many {p} were damaged during shipping, the glass covers are shattered.",
  "The {p} arrived damaged: corners dented and the boxes punctured by the forklift at the port.",
 ],
 "short_wrong_shipment": [
  "We counted the delivery of order {o}: 18 cartons are missing compared with the packing list.",
  "You sent us the wrong model: we ordered {p} in 220V but received the 110V version.",
  "The quantity received is only {q2} pcs, not {q} pcs as invoiced. Please check the shortage with your warehouse.",
  "Instead of the white {p} we got black ones, and two sizes are mixed up in the same cartons.",
  "The shipment is incomplete: the accessories and manuals for the {p} were not in the container.",
  "We received 40 cartons of another customer's goods and none of our {p}. This is not what we ordered.",
  "Several cartons contain the wrong items; the labels say {p} but inside there are different products.",
 ],
 "late_delivery": [
  "Order {o} was promised for shipment on 10 October and it is still not shipped. Our season starts next week.",
  "The {p} should have arrived three weeks ago. We have not received any goods yet and our customers keep asking.",
  "This is the second delay on our orders this year. The vessel was missed again and we have empty shelves.",
  "You confirmed delivery by the end of September; now you tell us the goods will only leave in November. This delay costs us sales.",
  "We are still waiting for the {p}. The ETA has been moved four times and nobody tells us the real date.",
  "The goods of order {o} arrived 25 days late and we had to pay air freight for part of it.",
 ],
 "documents": [
  "The commercial invoice for order {o} shows the wrong consignee, and customs in Hamburg will not release the container.",
  "The B/L has a wrong HS code and the weights do not match the packing list. We had to pay an amendment fee.",
  "The certificate of origin you sent is wrong; the goods are held at customs and we pay demurrage every day.",
  "Again there are mistakes in the documents: the invoice value is different from the L/C and the bank refused them.",
  "The packing list doesn't match the cartons and the invoice has the wrong unit price, so customs clearance is blocked.",
 ],
 "payment_dispute": [
  "Your invoice for order {o} charges USD 4.85 per piece but the agreed price was USD 4.50. Please issue a corrected invoice.",
  "We were charged twice for the same shipment; the amount was debited on 3 and 7 October.",
  "The freight surcharge on the invoice was never agreed. We dispute this invoice and will only pay the contract amount.",
  "The credit note for the damaged goods from last month was not deducted. We expect a refund of the difference.",
  "You billed us for 1,000 pcs but we only received 850. We will not pay for goods we never received.",
 ],
 "service": [
  "I have written four emails about our order in the last two weeks and nobody has replied. This is very poor service.",
  "Your sales team keeps promising an update and then disappears. We are fed up with the lack of communication.",
  "Nobody answers the phone in your office and our questions about order {o} are ignored.",
  "The way your colleague spoke to our buyer on the phone was rude and unprofessional.",
 ],
}
EN_DEMANDS = ["", "Please replace the affected goods free of charge.", "We expect your proposal by Friday.",
              "We claim compensation for our losses.", "Please send us a credit note for the affected goods.",
              "If this is not solved this week, we will cancel the remaining orders.",
              "Please call me urgently.", "We reserve the right to take legal action.", "Kindly advise how you will solve this."]
EN_GREET = ["Dear {s},", "Hello {s},", "Hi {s},", "Dear Sir or Madam,", "Dear all,", "{s},"]
EN_CLOSE = ["Best regards,\n{n}", "Kind regards,\n{n}\nPurchasing Manager", "Regards,\n{n}", "Thanks,\n{n}",
            "Sincerely,\n{n}\nHead of Quality"]
EN_SUBJ = {"quality": ["Quality problem {o}", "Defective {p}", "Complaint - {p}", "Order {o}", "URGENT: {p}"],
           "transit_damage": ["Damaged goods {o}", "Shipment {o} arrived damaged", "Order {o} - cartons", "Claim {o}"],
           "short_wrong_shipment": ["Shortage in shipment {o}", "Wrong goods delivered", "Order {o} delivery", "{o} quantity"],
           "late_delivery": ["Delay of order {o}", "Where is our shipment?", "Order {o} status", "{o} delivery date"],
           "documents": ["Documents for {o}", "Invoice error {o}", "B/L {o}", "Customs problem {o}"],
           "payment_dispute": ["Invoice {o}", "Wrong price on invoice", "Double charge", "Payment {o}"],
           "service": ["No reply", "Order {o}", "Communication", "Complaint"]}

# ---------------------------------------------------------------- English negatives
EN_NEG = [
 ("inquiry", "Request for quotation", "Could you please send us your best price for {q} pcs of {p}, FOB Ningbo? We also need the lead time and the carton size."),
 ("inquiry", "Samples", "We are interested in your {p}. Is it possible to get two samples before we place a trial order? Please let us know the sample cost."),
 ("inquiry", "Packaging question", "What kind of cartons do you use for the {p}? We want to avoid any damage during the long sea transport, so please tell us if five-layer cartons are possible."),
 ("inquiry", "Warranty terms", "What is your warranty policy if a unit is defective? Our customer asks how replacements for faulty pieces are handled."),
 ("inquiry", "Shipment schedule", "Can you confirm the ETD for order {o}? We need to book the warehouse. Is there any delay expected because of the holiday?"),
 ("inquiry", "Certificates", "Please send us the CE certificate and the test report for the {p}. Our customs broker needs them before the goods arrive."),
 ("negotiation", "Price for {p}", "Thank you for the offer. Your price of USD 5.20 is higher than other suppliers. If you can do USD 4.80 we can place an order of {q} pcs this month."),
 ("negotiation", "Re: Quotation {o}", "We appreciate the quick quotation. For a volume of {q} pcs we would expect a discount of 5%. Can you also offer 60 days payment terms?"),
 ("negotiation", "Counter offer", "The price is a bit too high for our market. Could you reduce it if we change to a simpler gift box? Please let me know."),
 ("thanks", "Goods received", "The container with order {o} arrived today in perfect condition. No damage, all cartons complete. Thank you for the good packing!"),
 ("thanks", "Thank you", "Just a short note to say thanks for the fast delivery of the {p}. Our customers like them very much and we will reorder soon."),
 ("thanks", "Inspection passed", "Our QC checked the {p} and found no defects. The quality is excellent, better than the previous batch."),
 ("thanks", "Re: replacement", "The replacement units arrived yesterday and all of them work well. Thank you for solving the problem so quickly, we are satisfied."),
 ("notice", "Payment advice {o}", "Please be informed that we have transferred the balance of USD 18,400 for order {o} today. Attached is the bank slip."),
 ("notice", "New order", "Please find attached our purchase order {o} for {q} pcs of {p}. Kindly confirm the delivery date."),
 ("notice", "Forwarder details", "For order {o} please use our forwarder Kuehne+Nagel Shanghai. Contact: Mr. Wang, phone 021-5555 1234."),
 ("notice", "Holiday", "Our office will be closed from 24 December to 2 January. Orders placed now will be processed after the holidays."),
 ("notice", "Meeting at the fair", "We will visit the Canton Fair in October. Could we meet at your booth on the 16th to discuss next year's range?"),
 ("negated", "Arrival report {o}", "The goods were unloaded this morning. We did not find any damage and the quantity is correct. Please send the original documents."),
 ("negated", "Re: {o}", "No problem with the delay of the sample, we can wait until next week. Please ship it by courier."),
 ("conditional", "Packing instructions", "Please pack the {p} carefully. If any cartons are damaged on arrival, we will need photos from the loading. In case of a short shipment the forwarder must note it on the CMR."),
]

EN_QUOTE_WRAPS = [
 "\n\nOn Mon, 12 Oct 2026 at 09:14, {n} <buyer@example.com> wrote:\n> {c}\n> {d}\n",
 "\n\n-----Original Message-----\nFrom: {n} <buyer@example.com>\nSent: Monday, October 12, 2026 9:14 AM\nTo: {s}\nSubject: Complaint\n\n{c}\n{d}\n",
 "\n\nFrom: {n} <buyer@example.com>\nSent: 12 October 2026 09:14\nTo: {s} <sales@seawind-trade.cn>\nSubject: RE: order\n\n{c}\n",
]
EN_QUOTE_OWN = ["Thank you, {s}. The replacement goods arrived and everything is fine now. We consider the matter closed.",
                "Thanks for the credit note, received. We will place the next order next month.",
                "Thank you for your quick reply and the proposal. We accept it.",
                "Noted with thanks. Please go ahead with the next shipment as planned."]

DISCLAIMER = "\n\nThis email and any attachments are confidential and intended solely for the addressee. If you are not the intended recipient, please delete it; any damage caused by viruses is not our responsibility."

# ---------------------------------------------------------------- Chinese
ZH = {
 "quality": [
  "我司收到贵司发来的{p}（合同号{o}），安装后不到一周就有大量出现不亮、频闪的情况，质量太差了。",
  "这批{p}抽检不合格，外观有明显划痕和色差，与确认的样品不符。",
  "客户反映{p}使用几天就漏水，退货很多，我们非常失望。",
  "{q}台{p}中有90多台无法正常使用，电机有异响，部分已经烧坏。",
  "收到的{p}表面生锈、掉漆，根本不是我们要求的不锈钢材质。",
  "这次的{p}质量问题比上次还严重，次品率超过百分之十五。",
  "{p}的驱动电源有烧焦痕迹，存在安全隐患，请立即处理。",
 ],
 "transit_damage": [
  "今天到货的{p}有40多箱外箱破损，里面的产品压坏了。",
  "集装箱打开后发现货物受潮，纸箱都湿了，部分{p}已经发霉。",
  "运输途中损坏严重，很多{p}的玻璃罩碎了，请看附件照片。",
  "货到后发现托盘倒塌，{p}摔坏了大约三百件。",
 ],
 "short_wrong_shipment": [
  "合同{o}的货我们清点后发现少了18箱，与装箱单数量不符。",
  "贵司发错货了，我们订的是220V的{p}，收到的却是110V的。",
  "这次到货数量短缺，只收到{q2}件，发票上却是{q}件。",
  "颜色不对，我们要的是白色{p}，来的全是黑色，而且两个规格混装在一起。",
  "配件和说明书都漏发了，客户没法安装。",
 ],
 "late_delivery": [
  "合同{o}约定10月10日前发货，到现在还没发货，我们的销售旺季马上开始了。",
  "{p}三周前就应该到了，至今还没有到货，客户天天催。",
  "这已经是今年第二次延误交货了，又误了船期，影响很大。",
  "交期一拖再拖，说好九月底出货，现在又推迟到十一月。",
 ],
 "documents": [
  "合同{o}的发票抬头开错了，海关不放行，货物一直被扣。",
  "提单上的HS编码有误，重量和装箱单也对不上，我们已经付了改单费。",
  "原产地证有误，货物在港口清关受阻，每天都在产生滞港费。",
  "单据又出错了，发票金额和信用证不一致，银行拒绝接受。",
 ],
 "payment_dispute": [
  "合同{o}的发票单价是4.85美元，但我们约定的价格是4.50美元，请重新开票。",
  "同一批货贵司重复收费了两次，请核实后退款。",
  "发票上的附加费我们从来没有同意过，这部分我们拒绝付款。",
  "上个月破损货物的贷记款没有扣除，金额不对，请尽快处理。",
 ],
 "service": [
  "我两周内发了四封邮件询问订单，一直没人回复，服务太差了。",
  "你们业务员态度很差，电话里对我们采购很不耐烦。",
  "每次出问题你们都互相推诿，没有人负责。",
 ],
}
ZH_DEMANDS = ["", "请尽快给出处理方案。", "要求全部退货并补发合格产品。", "请赔偿我司的损失。",
              "如果本周不能解决，我们将取消后续订单。", "请在三个工作日内书面答复。", "请贵司务必重视。"]
ZH_GREET = ["{s}您好：", "{s}：", "海风公司：", "您好！", "{s}经理："]
ZH_CLOSE = ["{n}\n采购部", "谢谢！\n{n}", "此致\n敬礼\n{n}", "{n}\n质量部经理", "祝好\n{n}"]
ZH_SUBJ = {"quality": ["质量投诉 {o}", "关于{p}的质量问题", "{o} 产品问题", "紧急：{p}"],
           "transit_damage": ["到货破损 {o}", "{o} 货物破损", "关于破损的情况"],
           "short_wrong_shipment": ["{o} 少发", "发错货", "{o} 到货数量"],
           "late_delivery": ["{o} 交期", "货怎么还没到", "关于延误"],
           "documents": ["{o} 单据", "发票错误", "清关问题"],
           "payment_dispute": ["{o} 发票", "价格有误", "重复收费"],
           "service": ["没人回复", "关于服务", "投诉"]}
ZH_NEG = [
 ("inquiry", "询价", "请报{q}台{p}的FOB宁波价格，并告知交期和包装尺寸。"),
 ("inquiry", "样品", "我们对{p}很感兴趣，能否先寄两个样品？样品费多少？"),
 ("inquiry", "包装", "{p}用的是几层纸箱？海运时间长，为了避免运输破损，能否改用五层箱？"),
 ("inquiry", "保修", "请问如果产品出现质量问题，贵司的保修政策是怎样的？"),
 ("inquiry", "船期", "请确认合同{o}的船期，国庆期间是否会延误？"),
 ("negotiation", "价格", "谢谢报价。5.20美元比其他供应商高，如果能做到4.80美元，我们本月可以下{q}台的订单。"),
 ("negotiation", "回复: 报价 {o}", "报价收到。数量{q}台的话希望再优惠5%，付款方式能否改为60天？"),
 ("thanks", "到货确认", "合同{o}的货今天到了，没有破损，数量也对，谢谢你们包装得好！"),
 ("thanks", "验货结果", "我们质检部已经验货，这批货没有质量问题，比上一批还好。"),
 ("thanks", "谢谢", "补发的货已经收到，全部正常，感谢贵司及时处理，我们很满意。"),
 ("notice", "付款通知", "合同{o}的尾款18,400美元今天已汇出，附件是水单，请查收。"),
 ("notice", "新订单", "附件是我司采购订单{o}，{p}共{q}台，请确认交期。"),
 ("notice", "放假通知", "我司春节放假时间为2月14日至2月22日，期间订单节后处理。"),
 ("negated", "到货", "货已卸完，未发现破损，数量正确，请寄正本单据。"),
 ("conditional", "包装要求", "请仔细包装{p}。如有破损，请在装柜时拍照留底；如出现少发，须由货代在单据上注明。"),
 ("negated", "回复: 样品", "样品晚几天没关系，不是什么问题，请下周用快递寄出即可。"),
]
ZH_QUOTE_WRAPS = [
 "\n\n------------------ 原始邮件 ------------------\n发件人: {n} <buyer@example.cn>\n发送时间: 2026年10月12日 9:14\n收件人: {s}\n主题: 投诉\n\n{c}\n{d}\n",
 "\n\n发件人: {n} <buyer@example.cn>\n发送时间: 2026年10月12日 9:14\n收件人: {s}\n主题: 回复：订单\n\n{c}\n",
 "\n\n在 2026年10月12日 09:14，{n} <buyer@example.cn> 写道：\n> {c}\n> {d}\n",
]
ZH_QUOTE_OWN = ["谢谢{s}，补发的货已收到，一切正常，此事就此结束。", "贷记单已收到，谢谢，下个月我们再下单。",
                "收到方案，我们同意，谢谢。", "好的，请按计划安排下一批出货。"]
ZH_DISCLAIMER = "\n\n免责声明：本邮件及其附件含有保密信息，仅限收件人使用。如果您不是本邮件的收件人，请删除本邮件；质量问题与索赔请以合同为准。"

# ---------------------------------------------------------------- other languages (common vocabulary)
OTHER = {
 "es": [("quality", "Pedido {o}", "Estimado {s}: los productos del pedido {o} son defectuosos, muchos no funcionan. Estamos muy decepcionados."),
        ("transit_damage", "Mercancía dañada", "Hola {s}, la mercancía llegó dañada, con cajas rotas y aplastadas. Adjuntamos fotos."),
        ("short_wrong_shipment", "Pedido incompleto", "Faltan 20 cajas del pedido {o} y además recibimos un modelo equivocado."),
        ("late_delivery", "Retraso", "El pedido {o} todavía no ha llegado. Este retraso nos causa pérdidas."),
        ("payment_dispute", "Factura {o}", "Nos han cobrado dos veces la misma factura. Solicitamos el reembolso."),
        ("none", "Cotización", "Buenos días {s}, ¿nos puede enviar una cotización para 500 unidades? Gracias."),
        ("none", "Mercancía recibida", "Hemos recibido la mercancía en buen estado, sin daños. Muchas gracias."),
        ("none", "Pago", "Le informamos que hemos realizado el pago del pedido {o}. Saludos.")],
 "pt": [("quality", "Pedido {o}", "Prezado {s}, os produtos do pedido {o} estão com defeito e muitos não funcionam. Estamos muito insatisfeitos."),
        ("transit_damage", "Carga avariada", "A carga chegou danificada, várias caixas amassadas e molhadas."),
        ("late_delivery", "Atraso", "O pedido {o} ainda não chegou, o atraso já é de três semanas."),
        ("short_wrong_shipment", "Quantidade", "Recebemos a quantidade errada, faltam 30 caixas do pedido {o}."),
        ("none", "Cotação", "Olá {s}, poderia enviar o preço para 1000 peças? Obrigado."),
        ("none", "Recebido", "Recebemos tudo em perfeito estado. Obrigado pela parceria!")],
 "ru": [("quality", "Заказ {o}", "Добрый день, {s}. В партии {o} много брака, часть товара не работает. Просим решить вопрос."),
        ("transit_damage", "Повреждение груза", "Груз прибыл повреждённым, коробки помяты, товар разбит."),
        ("late_delivery", "Задержка", "Заказ {o} до сих пор не получили, задержка уже месяц."),
        ("short_wrong_shipment", "Недостача", "При приёмке обнаружена недостача 15 коробок."),
        ("none", "Запрос цены", "Здравствуйте, {s}! Пришлите, пожалуйста, цену на 500 штук. Спасибо."),
        ("none", "Оплата", "Сообщаем, что оплата по заказу {o} произведена сегодня.")],
 "fr": [("quality", "Commande {o}", "Bonjour {s}, les produits de la commande {o} sont défectueux, beaucoup ne fonctionnent pas. Nous sommes très déçus."),
        ("transit_damage", "Marchandise endommagée", "La marchandise est arrivée endommagée, les cartons étaient écrasés."),
        ("late_delivery", "Retard de livraison", "La commande {o} est toujours en retard, nous n'avons toujours pas reçu les produits."),
        ("documents", "Facture", "Il y a une erreur sur la facture de la commande {o}, la marchandise est bloquée en douane."),
        ("none", "Demande de prix", "Bonjour {s}, pouvez-vous nous envoyer votre meilleur prix pour 800 pièces ? Merci."),
        ("none", "Réception", "Marchandise bien reçue, en parfait état. Merci beaucoup.")],
 "de": [("transit_damage", "Lieferung {o}", "Sehr geehrter Herr {s}, bei der Lieferung {o} sind 42 Kartons beschädigt, die Ware ist teilweise zerbrochen. Wir bitten um eine Gutschrift."),
        ("quality", "Reklamation {o}", "Die Geräte aus Auftrag {o} sind mangelhaft, viele funktionieren nicht."),
        ("late_delivery", "Lieferverzug", "Die Ware aus Auftrag {o} ist immer noch nicht angekommen, die Verspätung ist inakzeptabel."),
        ("short_wrong_shipment", "Falsche Ware", "Sie haben uns falsche Ware geliefert, es fehlen außerdem 10 Kartons."),
        ("none", "Anfrage", "Guten Tag {s}, bitte senden Sie uns ein Angebot für 500 Stück. Vielen Dank."),
        ("none", "Wareneingang", "Die Ware ist heute angekommen, kein Transportschaden, alles in Ordnung. Danke!")],
 "ar": [("quality", "الطلب {o}", "السيد {s}، المنتجات في الطلب {o} معيبة والكثير منها لا يعمل. هذه شكوى رسمية."),
        ("transit_damage", "بضاعة تالفة", "وصلت البضاعة تالفة والكراتين مكسورة."),
        ("late_delivery", "تأخير الشحنة", "لم نستلم الطلب {o} حتى الآن، التأخير كبير."),
        ("none", "طلب عرض سعر", "مرحبا {s}، نرجو إرسال عرض سعر لـ 500 قطعة. شكرا."),
        ("none", "استلام", "استلمنا البضاعة في حالة ممتازة. شكرا لكم.")],
}

rows = []

def add(lang, label, category, subject, body):
    rows.append({"id": f"{lang}-{len(rows)+1:04d}", "lang": lang, "label": label,
                 "category": category, "subject": subject, "body": body})

def fill(t, **kw):
    return t.format(**kw)

def en_ctx():
    return dict(p=R.choice(PRODUCTS_EN), o=order(), q=(q := qty()), q2=q - R.choice([40, 120, 200]),
                s=R.choice(STAFF_EN).split()[0], n=R.choice(NAMES_EN))

def zh_ctx():
    return dict(p=R.choice(PRODUCTS_ZH), o=order(), q=(q := qty()), q2=q - R.choice([40, 120, 200]),
                s=R.choice(STAFF_ZH), n=R.choice(NAMES_ZH))

# English complaints: every core in three variants.
for cat, cores in EN.items():
    for core in cores:
        for _ in range(3):
            k = en_ctx()
            body = "\n\n".join(x for x in [fill(R.choice(EN_GREET), **k), fill(core, **k),
                                           R.choice(EN_DEMANDS), fill(R.choice(EN_CLOSE), **k)] if x)
            if R.random() < 0.25:
                body += DISCLAIMER
            if R.random() < 0.2:  # a complaint replying on an older, neutral thread
                body += f"\n\nOn Fri, 2 Oct 2026, {k['s']} wrote:\n> Dear {k['n']}, the goods of {k['o']} were shipped today.\n"
            add("en", "complaint", cat, fill(R.choice(EN_SUBJ[cat]), **k), body)

# English negatives: each template in several variants, some with quoted complaints.
for kind, subj, text in EN_NEG:
    for _ in range(5):
        k = en_ctx()
        body = "\n\n".join([fill(R.choice(EN_GREET), **k), fill(text, **k), fill(R.choice(EN_CLOSE), **k)])
        if R.random() < 0.25:
            body += DISCLAIMER
        add("en", "not_complaint", "", fill(subj, **k), body)
for _ in range(40):
    k = en_ctx()
    cat = R.choice(list(EN))
    wrap = R.choice(EN_QUOTE_WRAPS)
    own = fill(R.choice(EN_QUOTE_OWN), **k)
    body = "\n\n".join([fill(R.choice(EN_GREET), **k), own, fill(R.choice(EN_CLOSE), **k)])
    body += fill(wrap, n=k["n"], s=k["s"], c=fill(R.choice(EN[cat]), **k), d=R.choice(EN_DEMANDS))
    add("en", "not_complaint", "", "Re: " + fill(R.choice(EN_SUBJ[cat]), **k), body)

# Chinese complaints and negatives.
for cat, cores in ZH.items():
    for core in cores:
        for _ in range(4):
            k = zh_ctx()
            body = "\n\n".join(x for x in [fill(R.choice(ZH_GREET), **k), fill(core, **k),
                                           R.choice(ZH_DEMANDS), fill(R.choice(ZH_CLOSE), **k)] if x)
            if R.random() < 0.25:
                body += ZH_DISCLAIMER
            add("zh", "complaint", cat, fill(R.choice(ZH_SUBJ[cat]), **k), body)
for kind, subj, text in ZH_NEG:
    for _ in range(6):
        k = zh_ctx()
        body = "\n\n".join([fill(R.choice(ZH_GREET), **k), fill(text, **k), fill(R.choice(ZH_CLOSE), **k)])
        if R.random() < 0.25:
            body += ZH_DISCLAIMER
        add("zh", "not_complaint", "", fill(subj, **k), body)
for _ in range(40):
    k = zh_ctx()
    cat = R.choice(list(ZH))
    own = fill(R.choice(ZH_QUOTE_OWN), **k)
    body = "\n\n".join([fill(R.choice(ZH_GREET), **k), own, fill(R.choice(ZH_CLOSE), **k)])
    body += fill(R.choice(ZH_QUOTE_WRAPS), n=k["n"], s=k["s"], c=fill(R.choice(ZH[cat]), **k), d=R.choice(ZH_DEMANDS))
    add("zh", "not_complaint", "", "回复: " + fill(R.choice(ZH_SUBJ[cat]), **k), body)

# Other languages.
for lang, items in OTHER.items():
    for cat, subj, text in items:
        for _ in range(3):
            k = en_ctx()
            label = "not_complaint" if cat == "none" else "complaint"
            add(lang, label, "" if cat == "none" else cat, fill(subj, **k), fill(text, **k))

with open(OUT, "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=["id", "lang", "label", "category", "subject", "body"])
    w.writeheader()
    w.writerows(rows)
print(f"wrote {len(rows)} emails to {os.path.normpath(OUT)}")
