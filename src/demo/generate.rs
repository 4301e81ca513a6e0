//! Deterministic generator of the demo company behind the README's demo command.
//!
//! [`generate`] writes a complete, realistic sample of what tradewind meets at a real
//! export company — Ningbo Seawind Import & Export Co., Ltd. (宁波海风进出口有限公司):
//!
//! * `customers.csv` — about fifty customers on every continent, UTF-8 with a BOM as
//!   Excel saves it, with multi-contact customers, free-mail contacts and stale records;
//! * `customers-gbk.csv` — five domestic customers with a Chinese header, GBK-encoded
//!   as Chinese Excel saves it;
//! * `tradewind.toml` — the configuration: company, users, one mailbox per salesperson
//!   plus the service and finance mailboxes;
//! * `mail/<mailbox>/` — a Maildir++ per mailbox (INBOX at the root, `.Sent`), with a
//!   few hundred messages from the half year before 2026-11-28: inquiries, quotations,
//!   proforma invoices, shipping advice, complaints (§6), dunning letters and the
//!   customer's answer to them (§5), holiday greetings (§4), internal mail, supplier
//!   and notification mail, and mail from strangers.
//!
//! The mail is written the way real clients write it — Outlook, Foxmail, Gmail,
//! Thunderbird — with RFC 2047 headers, quoted-printable and base64 bodies in UTF-8,
//! GB2312/GBK and Big5, threads with `In-Reply-To`/`References` and quoted text, and
//! the same message (same Message-ID) in two or more mailboxes when colleagues are
//! copied. The same seed always gives byte-identical files; nothing depends on the
//! clock or on the machine.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Timelike, Utc, Weekday,
};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What [`generate`] wrote, for the demo command to show and to load.
#[derive(Debug, Clone)]
pub struct DemoCompany {
    /// The configuration text (also written to `dir/tradewind.toml`).
    pub config_toml: String,
    /// `dir/customers.csv`: UTF-8 with BOM, English header.
    pub customers_csv: PathBuf,
    /// `dir/customers-gbk.csv`: GBK, Chinese header.
    pub customers_gbk_csv: PathBuf,
    /// (mailbox name, Maildir root) for every mailbox of the configuration.
    pub mail_dirs: Vec<(String, PathBuf)>,
    /// Number of message files written (a message copied to two mailboxes counts twice).
    pub message_count: usize,
}

/// Writes the demo company into `dir` (created if missing) and describes what it wrote.
///
/// Refuses to write into a `dir` whose `mail/` folder already holds anything, so a
/// demo never mixes with an earlier one or with real mail.
pub fn generate(dir: &Path, seed: u64) -> io::Result<DemoCompany> {
    fs::create_dir_all(dir)?;
    let dir = std::path::absolute(dir)?;
    let mail_root = dir.join("mail");
    if mail_root.is_dir() && fs::read_dir(&mail_root)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} already holds mail; generate the demo into an empty directory",
                mail_root.display()
            ),
        ));
    }

    let mut rng = Rng::new(seed);
    let customers = build_customers(&mut rng);

    let customers_csv = dir.join("customers.csv");
    fs::write(&customers_csv, customers_csv_bytes(&customers))?;
    let customers_gbk_csv = dir.join("customers-gbk.csv");
    fs::write(&customers_gbk_csv, customers_gbk_csv_bytes())?;

    let config_toml = config_toml(&dir);
    fs::write(dir.join("tradewind.toml"), &config_toml)?;

    let mut corpus = Corpus::new(rng, customers);
    corpus.write_stories();
    let message_count = write_maildirs(&mail_root, &corpus.mails)?;

    let mail_dirs = MAILBOXES
        .iter()
        .map(|m| (m.name.to_string(), mail_root.join(m.name)))
        .collect();
    Ok(DemoCompany {
        config_toml,
        customers_csv,
        customers_gbk_csv,
        mail_dirs,
        message_count,
    })
}

// ---------------------------------------------------------------------------
// The company, its people and its mailboxes
// ---------------------------------------------------------------------------

const COMPANY_EN: &str = "Ningbo Seawind Import & Export Co., Ltd.";
const COMPANY_ZH: &str = "宁波海风进出口有限公司";
const DOMAIN: &str = "seawind-trade.cn";
const COMPANY_ADDRESS_EN: &str =
    "18F, Block B, Global Trade Center, 1 Ningchuan Road, Yinzhou, Ningbo 315100, China";
const COMPANY_ADDRESS_ZH: &str = "宁波市鄞州区宁川路1号环球贸易中心B座18楼";
const COMPANY_PHONE: &str = "+86 574 8765 4321";
const BANK_DETAILS: &str = "Beneficiary: Ningbo Seawind Import & Export Co., Ltd.\n\
Bank: Bank of China, Ningbo Branch\n\
A/C No.: 3582 6104 7729\n\
SWIFT: BKCHCNBJ92A";

struct User {
    login: &'static str,
    en: &'static str,
    zh: &'static str,
    role: &'static str,
    team: Option<&'static str>,
    title_en: &'static str,
    title_zh: &'static str,
    mobile: &'static str,
}

const USERS: &[User] = &[
    User {
        login: "li.wei",
        en: "Li Wei",
        zh: "李伟",
        role: "sales",
        team: Some("europe"),
        title_en: "Sales Manager, Europe",
        title_zh: "欧洲区销售经理",
        mobile: "+86 138 5741 2086",
    },
    User {
        login: "zhang.min",
        en: "Zhang Min",
        zh: "张敏",
        role: "sales",
        team: Some("americas"),
        title_en: "Sales Manager, Americas",
        title_zh: "美洲区销售经理",
        mobile: "+86 139 5828 6617",
    },
    User {
        login: "chen.jing",
        en: "Chen Jing",
        zh: "陈静",
        role: "sales",
        team: Some("asia-africa"),
        title_en: "Sales Executive, Asia & Africa",
        title_zh: "亚非区业务员",
        mobile: "+86 137 3661 9052",
    },
    User {
        login: "wang.fang",
        en: "Wang Fang",
        zh: "王芳",
        role: "service",
        team: None,
        title_en: "Customer Service Supervisor",
        title_zh: "客服主管",
        mobile: "+86 135 8686 2231",
    },
    User {
        login: "zhao.lei",
        en: "Zhao Lei",
        zh: "赵磊",
        role: "finance",
        team: None,
        title_en: "Accounts Receivable, Finance Dept.",
        title_zh: "财务部 应收账款",
        mobile: "+86 136 5660 7418",
    },
    User {
        login: "liu.yang",
        en: "Liu Yang",
        zh: "刘洋",
        role: "manager",
        team: None,
        title_en: "General Manager",
        title_zh: "总经理",
        mobile: "+86 139 0574 8899",
    },
];

const LI_WEI: usize = 0;
const ZHANG_MIN: usize = 1;
const CHEN_JING: usize = 2;
const WANG_FANG: usize = 3;
const ZHAO_LEI: usize = 4;
const LIU_YANG: usize = 5;

struct MailboxDef {
    name: &'static str,
    owner: &'static str,
    role: &'static str,
    local: &'static str,
}

const MAILBOXES: &[MailboxDef] = &[
    MailboxDef {
        name: "li.wei",
        owner: "li.wei",
        role: "sales",
        local: "li.wei",
    },
    MailboxDef {
        name: "zhang.min",
        owner: "zhang.min",
        role: "sales",
        local: "zhang.min",
    },
    MailboxDef {
        name: "chen.jing",
        owner: "chen.jing",
        role: "sales",
        local: "chen.jing",
    },
    MailboxDef {
        name: "service",
        owner: "wang.fang",
        role: "service",
        local: "service",
    },
    MailboxDef {
        name: "finance",
        owner: "zhao.lei",
        role: "finance",
        local: "finance",
    },
];

// ---------------------------------------------------------------------------
// Countries and time zones
// ---------------------------------------------------------------------------

/// A UTC offset in minutes and, where the place keeps summer time, the 2026 dates
/// (month, day) it starts and ends. A start after the end is a southern summer.
#[derive(Clone, Copy)]
struct Tz {
    std: i32,
    dst: Option<((u32, u32), (u32, u32))>,
}

const fn fixed(minutes: i32) -> Tz {
    Tz {
        std: minutes,
        dst: None,
    }
}
const EU_SUMMER: Option<((u32, u32), (u32, u32))> = Some(((3, 29), (10, 25)));
const US_SUMMER: Option<((u32, u32), (u32, u32))> = Some(((3, 8), (11, 1)));
const WET: Tz = Tz {
    std: 0,
    dst: EU_SUMMER,
};
const CET: Tz = Tz {
    std: 60,
    dst: EU_SUMMER,
};
const EET: Tz = Tz {
    std: 120,
    dst: EU_SUMMER,
};
const US_EAST: Tz = Tz {
    std: -300,
    dst: US_SUMMER,
};
const US_CENTRAL: Tz = Tz {
    std: -360,
    dst: US_SUMMER,
};
const US_MOUNTAIN: Tz = Tz {
    std: -420,
    dst: US_SUMMER,
};
const US_PACIFIC: Tz = Tz {
    std: -480,
    dst: US_SUMMER,
};
const CHILE: Tz = Tz {
    std: -240,
    dst: Some(((9, 6), (4, 5))),
};
const EGYPT: Tz = Tz {
    std: 120,
    dst: Some(((4, 24), (10, 29))),
};
const MELBOURNE: Tz = Tz {
    std: 600,
    dst: Some(((10, 4), (4, 5))),
};
const AUCKLAND: Tz = Tz {
    std: 720,
    dst: Some(((9, 27), (4, 5))),
};
const CHINA: Tz = fixed(480);

impl Tz {
    fn offset_at(self, utc: DateTime<Utc>) -> FixedOffset {
        let std = FixedOffset::east_opt(self.std * 60).expect("valid offset");
        let minutes = match self.dst {
            None => self.std,
            Some((from, to)) => {
                let day = utc.with_timezone(&std).date_naive();
                let md = (day.month(), day.day());
                let summer = if from < to {
                    md >= from && md < to
                } else {
                    md >= from || md < to
                };
                self.std + if summer { 60 } else { 0 }
            }
        };
        FixedOffset::east_opt(minutes * 60).expect("valid offset")
    }
}

struct Country {
    code: &'static str,
    name: &'static str,
    calling: &'static str,
    currency: &'static str,
    port: &'static str,
    tz: Tz,
}

const fn land(
    code: &'static str,
    name: &'static str,
    calling: &'static str,
    currency: &'static str,
    port: &'static str,
    tz: Tz,
) -> Country {
    Country {
        code,
        name,
        calling,
        currency,
        port,
        tz,
    }
}

const COUNTRIES: &[Country] = &[
    land("DE", "Germany", "+49", "EUR", "Hamburg", CET),
    land("FR", "France", "+33", "EUR", "Le Havre", CET),
    land("ES", "Spain", "+34", "EUR", "Valencia", CET),
    land("IT", "Italy", "+39", "EUR", "Genoa", CET),
    land("PL", "Poland", "+48", "EUR", "Gdansk", CET),
    land("GB", "United Kingdom", "+44", "USD", "Felixstowe", WET),
    land("RU", "Russia", "+7", "USD", "St. Petersburg", fixed(180)),
    land("NL", "Netherlands", "+31", "EUR", "Rotterdam", CET),
    land("TR", "Türkiye", "+90", "USD", "Mersin", fixed(180)),
    land("SE", "Sweden", "+46", "EUR", "Gothenburg", CET),
    land("PT", "Portugal", "+351", "EUR", "Leixões", WET),
    land("RO", "Romania", "+40", "EUR", "Constanța", EET),
    land(
        "US",
        "United States",
        "+1",
        "USD",
        "Los Angeles",
        US_CENTRAL,
    ),
    land("CA", "Canada", "+1", "USD", "Montreal", US_EAST),
    land("MX", "Mexico", "+52", "USD", "Manzanillo", fixed(-360)),
    land("BR", "Brazil", "+55", "USD", "Santos", fixed(-180)),
    land("CL", "Chile", "+56", "USD", "San Antonio", CHILE),
    land("AR", "Argentina", "+54", "USD", "Buenos Aires", fixed(-180)),
    land("CO", "Colombia", "+57", "USD", "Cartagena", fixed(-300)),
    land("JP", "Japan", "+81", "USD", "Tokyo", fixed(540)),
    land("KR", "South Korea", "+82", "USD", "Busan", fixed(540)),
    land("IN", "India", "+91", "USD", "Nhava Sheva", fixed(330)),
    land(
        "AE",
        "United Arab Emirates",
        "+971",
        "USD",
        "Jebel Ali",
        fixed(240),
    ),
    land("SA", "Saudi Arabia", "+966", "USD", "Dammam", fixed(180)),
    land("EG", "Egypt", "+20", "USD", "Alexandria", EGYPT),
    land("NG", "Nigeria", "+234", "USD", "Lagos (Apapa)", fixed(60)),
    land("ZA", "South Africa", "+27", "USD", "Durban", fixed(120)),
    land("KE", "Kenya", "+254", "USD", "Mombasa", fixed(180)),
    land(
        "VN",
        "Vietnam",
        "+84",
        "USD",
        "Ho Chi Minh City",
        fixed(420),
    ),
    land("TH", "Thailand", "+66", "USD", "Laem Chabang", fixed(420)),
    land("AU", "Australia", "+61", "USD", "Melbourne", MELBOURNE),
    land("NZ", "New Zealand", "+64", "USD", "Auckland", AUCKLAND),
    land("ID", "Indonesia", "+62", "USD", "Jakarta", fixed(420)),
    land("TW", "Taiwan", "+886", "USD", "Kaohsiung", fixed(480)),
    land("HK", "Hong Kong", "+852", "USD", "Hong Kong", fixed(480)),
    land("CN", "China", "+86", "CNY", "", CHINA),
];

fn country(code: &str) -> &'static Country {
    COUNTRIES
        .iter()
        .find(|c| c.code == code)
        .unwrap_or_else(|| panic!("demo data names unknown country {code}"))
}

/// Which sales team (and so which salesperson) covers a country.
fn owner_for(country: &str) -> usize {
    match country {
        "DE" | "FR" | "ES" | "IT" | "PL" | "GB" | "RU" | "NL" | "TR" | "SE" | "PT" | "RO" => LI_WEI,
        "US" | "CA" | "MX" | "BR" | "CL" | "AR" | "CO" => ZHANG_MIN,
        _ => CHEN_JING,
    }
}

// ---------------------------------------------------------------------------
// What Seawind sells
// ---------------------------------------------------------------------------

struct Product {
    category: &'static str,
    model: &'static str,
    en: &'static str,
    zh: &'static str,
    /// FOB Ningbo in US cents.
    cents: u64,
    moq: u64,
    per_carton: u64,
}

const fn item(
    category: &'static str,
    model: &'static str,
    en: &'static str,
    zh: &'static str,
    cents: u64,
    moq: u64,
    per_carton: u64,
) -> Product {
    Product {
        category,
        model,
        en,
        zh,
        cents,
        moq,
        per_carton,
    }
}

const PRODUCTS: &[Product] = &[
    item(
        "hand tools",
        "HT-2041",
        "16oz claw hammer, fibreglass handle",
        "16盎司羊角锤（玻璃纤维柄）",
        235,
        1200,
        24,
    ),
    item(
        "hand tools",
        "HT-3310",
        "8\" combination pliers, CR-V",
        "8寸钢丝钳（铬钒钢）",
        162,
        2000,
        60,
    ),
    item(
        "hand tools",
        "HT-5120",
        "46pcs 1/4\" socket wrench set in blow case",
        "46件套1/4套筒扳手组套",
        680,
        500,
        10,
    ),
    item(
        "hand tools",
        "HT-7002",
        "5m/16ft tape measure, rubber case",
        "5米卷尺（包胶外壳）",
        115,
        3000,
        120,
    ),
    item(
        "garden tools",
        "GT-118",
        "bypass pruning shears, SK5 blade",
        "剪枝剪（SK5刀片）",
        185,
        2000,
        100,
    ),
    item(
        "garden tools",
        "GT-240",
        "4-tine digging fork, ash handle",
        "四齿挖掘叉（白蜡木柄）",
        390,
        600,
        6,
    ),
    item(
        "garden tools",
        "GT-615",
        "15m expandable garden hose with 7-pattern nozzle",
        "15米伸缩水管（带七功能喷枪）",
        475,
        1000,
        20,
    ),
    item(
        "kitchenware",
        "KW-305",
        "3-ply stainless steel frying pan 28cm",
        "28厘米三层钢煎锅",
        690,
        500,
        12,
    ),
    item(
        "kitchenware",
        "KW-412",
        "5pcs kitchen knife set with acacia block",
        "五件套刀具（相思木刀座）",
        720,
        500,
        8,
    ),
    item(
        "kitchenware",
        "KW-520",
        "6pcs silicone kitchen utensil set",
        "六件套硅胶厨具",
        210,
        1000,
        40,
    ),
    item(
        "LED lighting",
        "LD-610",
        "LED panel light 600x600mm 40W 4000K",
        "600x600 LED面板灯 40W 4000K",
        980,
        500,
        4,
    ),
    item(
        "LED lighting",
        "LD-225",
        "LED bulb A60 9W E27 2700K",
        "A60 LED球泡灯 9W E27",
        42,
        10000,
        100,
    ),
    item(
        "LED lighting",
        "LD-880",
        "LED flood light 100W IP65",
        "100W LED投光灯 IP65",
        860,
        300,
        6,
    ),
    item(
        "bathroom fittings",
        "BF-220",
        "thermostatic shower mixer, chrome",
        "恒温淋浴龙头（镀铬）",
        2450,
        200,
        6,
    ),
    item(
        "bathroom fittings",
        "BF-130",
        "single-lever basin faucet, chrome",
        "单把面盆龙头（镀铬）",
        1130,
        300,
        10,
    ),
    item(
        "small appliances",
        "SA-088",
        "1.7L stainless steel electric kettle",
        "1.7升不锈钢电热水壶",
        740,
        1000,
        6,
    ),
    item(
        "small appliances",
        "SA-150",
        "600W hand blender with whisk",
        "600W手持搅拌棒（带打蛋头）",
        610,
        1000,
        8,
    ),
    item(
        "camping gear",
        "CG-502",
        "folding camping chair with cup holder",
        "折叠露营椅（带杯架）",
        560,
        500,
        4,
    ),
    item(
        "camping gear",
        "CG-310",
        "4-person dome tent, 3000mm waterproof",
        "四人圆顶帐篷（防水3000mm）",
        1890,
        300,
        2,
    ),
];

fn product(model: &str) -> &'static Product {
    PRODUCTS
        .iter()
        .find(|p| p.model == model)
        .unwrap_or_else(|| panic!("demo data names unknown product {model}"))
}

const VESSELS: &[&str] = &[
    "MSC ANNA V.2437W",
    "COSCO SHIPPING ARIES V.061E",
    "MAERSK EINDHOVEN V.445W",
    "CMA CGM JACQUES SAADE V.0FLE5",
    "ONE APUS V.078E",
    "HMM ALGECIRAS V.0023W",
    "OOCL HONG KONG V.112E",
    "EVER ACE V.1187-024W",
];
const BL_PREFIXES: &[&str] = &["COSU", "MEDU", "MAEU", "CMDU", "ONEY", "HDMU", "OOLU"];
const CONTAINER_PREFIXES: &[&str] = &["MSKU", "TGHU", "CSNU", "TCNU", "FCIU", "SEGU"];

// ---------------------------------------------------------------------------
// The customer register (§2)
// ---------------------------------------------------------------------------

#[derive(Clone)]
struct ContactSeed {
    name: &'static str,
    title: &'static str,
    email: &'static str,
    lang: &'static str,
    /// How our people address them: "Mr. Becker", "Sophie", "黄总".
    salutation: &'static str,
}

/// One row of [`CUSTOMER_TABLE`] with its contacts from [`CONTACT_TABLE`].
#[derive(Clone)]
struct CustomerSeed {
    code: &'static str,
    name: &'static str,
    legal_rep: &'static str,
    address: &'static str,
    city: &'static str,
    country: &'static str,
    nature: &'static str,
    scale: &'static str,
    source: &'static str,
    stage: &'static str,
    categories: Vec<&'static str>,
    /// Empty for customers whose contacts write from free-mail addresses.
    domains: Vec<&'static str>,
    contacts: Vec<ContactSeed>,
}

fn table_rows(table: &'static str, columns: usize) -> impl Iterator<Item = Vec<&'static str>> {
    table
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(move |l| {
            let fields: Vec<&'static str> = l.split(" | ").map(str::trim).collect();
            assert_eq!(
                fields.len(),
                columns,
                "demo table row has the wrong shape: {l}"
            );
            fields
        })
}

fn list(field: &'static str) -> Vec<&'static str> {
    field.split(';').filter(|s| !s.is_empty()).collect()
}

fn customer_seeds() -> Vec<CustomerSeed> {
    let mut seeds: Vec<CustomerSeed> = table_rows(CUSTOMER_TABLE, 12)
        .map(|f| CustomerSeed {
            code: f[0],
            name: f[1],
            legal_rep: f[2],
            address: f[3],
            city: f[4],
            country: f[5],
            nature: f[6],
            scale: f[7],
            source: f[8],
            stage: f[9],
            categories: list(f[10]),
            domains: list(f[11]),
            contacts: Vec::new(),
        })
        .collect();
    for f in table_rows(CONTACT_TABLE, 6) {
        let seed = seeds
            .iter_mut()
            .find(|s| s.code == f[0])
            .unwrap_or_else(|| panic!("contact for unknown customer {}", f[0]));
        seed.contacts.push(ContactSeed {
            name: f[1],
            title: f[2],
            email: f[3],
            lang: f[4],
            salutation: f[5],
        });
    }
    seeds
}

/// Where a customer's office is: the country's zone, except in the wide countries.
fn customer_tz(country_code: &str, city: &str) -> Tz {
    match (country_code, city) {
        ("US", "Los Angeles" | "Seattle") => US_PACIFIC,
        ("US", "Salt Lake City") => US_MOUNTAIN,
        ("US", "Orlando") => US_EAST,
        _ => country(country_code).tz,
    }
}

/// The register, one customer a line:
/// code | name | legal representative | address | city | country | nature | scale |
/// source | stage | product categories (;) | mail domains (; — empty for free-mail customers).
/// Lines starting with `#` are comments.
const CUSTOMER_TABLE: &str = "\
# Europe: Li Wei
DE-001 | Hansa Werkzeughandel GmbH | Heinrich Brandt | Billwerder Straße 112, 20539 Hamburg | Hamburg | DE | trading | large | trade_show | active | hand tools;garden tools | hansa-tools.de
DE-002 | Rheinland Gartenbedarf KG | Stefan Wagner | Industriestraße 8, 50735 Köln | Cologne | DE | trading | medium | alibaba | contract | garden tools | rheinland-garten.de
DE-003 | Müller & Söhne Haushaltswaren GmbH | Petra Müller | Königstraße 45, 70173 Stuttgart | Stuttgart | DE | end_customer | medium | website | negotiation | kitchenware | mueller-soehne.de
FR-001 | Maison Duval SARL | Sophie Duval | 14 rue de la République, 69002 Lyon | Lyon | FR | trading | small | made_in_china | first_contact | kitchenware;small appliances | maison-duval.fr
FR-002 | Bricolage Lemaire, Fils et Cie | Jean-Luc Lemaire | 3 avenue Jean Jaurès, 59000 Lille | Lille | FR | end_customer | medium | trade_show | active | hand tools | bricolage-lemaire.fr
ES-001 | Ferretería Iberia S.L. | Javier Martínez Ruiz | Polígono Fuente del Jarro, C/ Ciudad de Sevilla 21, 46988 Paterna (Valencia) | Valencia | ES | trading | large | global_sources | active | hand tools;bathroom fittings | ferreteria-iberia.es
ES-002 | Cocinas del Sol, S.A. | Rocío Navarro | Av. de la Innovación 7, 41020 Sevilla | Seville | ES | end_customer | small | website | first_contact | kitchenware | cocinasdelsol.es
IT-001 | Casa Bella Cucina S.r.l. | Marco Rossi | Via Tortona 27, 20144 Milano | Milan | IT | end_customer | medium | trade_show | intent | kitchenware | casabellacucina.it
PL-001 | Polnarzędzia Sp. z o.o. | Andrzej Nowak | ul. Przemysłowa 14, 61-579 Poznań | Poznań | PL | trading | medium | alibaba | active | hand tools;garden tools | polnarzedzia.pl
GB-001 | Brightwell Lighting Ltd | Oliver Hughes | Unit 7, Trafford Park Road, Manchester M17 1WA | Manchester | GB | manufacturer | medium | trade_show | active | LED lighting | brightwell-lighting.co.uk
GB-002 | Thornbury Garden Supplies Ltd | Graham Thornbury | 22 Mill Lane, Thornbury, Bristol BS35 2AB | Bristol | GB | end_customer | small | customer_referral | screening | garden tools | thornbury-garden.co.uk
RU-001 | Severny Instrument LLC (ООО «Северный Инструмент») | Ivanov Sergey Petrovich | ul. Kalinina 12, St. Petersburg 198095 | St. Petersburg | RU | trading | large | trade_show | negotiation | hand tools | sevinstrument.ru
NL-001 | Van der Berg Trading B.V. | Pieter van der Berg | Waalhaven Oostzijde 85, 3087 BM Rotterdam | Rotterdam | NL | trading | large | partner_referral | active | LED lighting;small appliances | vanderberg-trading.nl
TR-001 | Anadolu Yapı Market A.Ş. | Mehmet Yılmaz | İkitelli OSB, Atatürk Cad. No:88, 34490 Başakşehir, İstanbul | Istanbul | TR | end_customer | large | association | contract | bathroom fittings;hand tools | anadoluyapi.com.tr
SE-001 | Nordic Kök AB | Karin Lindqvist | Fiskhamnsgatan 10, 414 55 Göteborg | Gothenburg | SE | trading | small | website | first_contact | kitchenware | nordickok.se
PT-001 | Lusitânia Utilidades, Lda | Rui Fernandes | Rua do Almada 150, 4050-031 Porto | Porto | PT | trading | small | made_in_china | market_research | kitchenware | lusitania-utilidades.pt
RO-001 | Popescu Distribution SRL | Andrei Popescu | Str. Fabricii 4, 400620 Cluj-Napoca | Cluj-Napoca | RO | trading | small | alibaba | first_contact | garden tools | 
# Americas: Zhang Min
US-001 | Lone Star Hardware Supply, Inc. | Robert Johnson | 4800 Fulton Dr, Houston, TX 77022 | Houston | US | trading | large | trade_show | active | hand tools;garden tools | lonestarhw.com
US-002 | Pacific Coast Home Goods LLC | Daniel Kim | 1250 E 14th St, Los Angeles, CA 90021 | Los Angeles | US | trading | large | alibaba | active | kitchenware;small appliances | pchomegoods.com;pacificcoasthome.com
US-003 | Great Lakes Lighting Corp. | Thomas O'Brien | 2100 W Fulton Market, Chicago, IL 60612 | Chicago | US | manufacturer | medium | global_sources | negotiation | LED lighting | greatlakeslighting.com
US-004 | BrightNest Home Inc. | Samantha Reed | 88 Pine St, Suite 400, Seattle, WA 98101 | Seattle | US | end_customer | medium | website | intent | small appliances;kitchenware | brightnest.com
US-005 | Summit Outdoor Gear LLC | Tyler Brooks | 455 S Main St, Salt Lake City, UT 84111 | Salt Lake City | US | end_customer | small | trade_show | first_contact | camping gear | summitoutdoorgear.com
US-006 | Miller FBA Sourcing | Jake Miller | 2150 Lee Rd, Orlando, FL 32810 | Orlando | US | other | small | alibaba | negotiation | camping gear;kitchenware | 
CA-001 | Maple Leaf Tools Inc. | Étienne Tremblay | 1200 boul. Industriel, Laval, QC H7L 4R9 | Laval | CA | trading | medium | trade_show | active | hand tools;small appliances | mapleleaftools.ca
MX-001 | Ferremayoreo del Norte S.A. de C.V. | Carlos Hernández | Av. Constitución 2050, Centro, 64000 Monterrey, N.L. | Monterrey | MX | trading | large | alibaba | active | hand tools;garden tools | ferremayoreo.com.mx
MX-002 | Importaciones Ramírez | Luis Ramírez | Av. Vallarta 3300, Guadalajara, Jal. | Guadalajara | MX | trading | small | alibaba | screening | LED lighting | 
BR-001 | Casa & Jardim Distribuidora Ltda. | Ana Paula Souza | Rua Voluntários da Pátria 300, São Paulo - SP, 02011-000 | São Paulo | BR | trading | large | trade_show | active | garden tools;kitchenware | casaejardim.com.br
BR-002 | Ferramentas Paulista Ltda. | Ricardo Lima | Av. dos Estados 4500, Santo André - SP, 09220-570 | Santo André | BR | trading | medium | made_in_china | negotiation | hand tools | ferramentaspaulista.com.br
CL-001 | Importadora Andes SpA | Felipe Rojas | Av. Américo Vespucio 1501, Quilicura, Santiago | Santiago | CL | trading | medium | global_sources | contract | bathroom fittings;kitchenware | importadoraandes.cl
AR-001 | Distribuidora Río de la Plata S.A. | Martín Fernández | Av. Corrientes 1234, C1043 CABA, Buenos Aires | Buenos Aires | AR | trading | medium | trade_show | intent | LED lighting | rioplata-dist.com.ar
CO-001 | Hogar Colombia S.A.S. | Valentina Gómez | Cra. 43A #1-50, El Poblado, Medellín | Medellín | CO | end_customer | medium | website | first_contact | kitchenware;small appliances | hogarcolombia.co
# Asia, Africa, Oceania and China: Chen Jing
JP-001 | Yamato Kitchen Co., Ltd. | Sato Hiroshi | 3-5-1 Kappabashi, Taito-ku, Tokyo 111-0036 | Tokyo | JP | trading | medium | trade_show | active | kitchenware | yamato-kitchen.co.jp
KR-001 | Hanbit Lighting Co., Ltd. | Park Ji-hoon | 55 Gasan digital 1-ro, Geumcheon-gu, Seoul 08594 | Seoul | KR | manufacturer | medium | global_sources | contract | LED lighting | hanbit-lighting.co.kr
IN-001 | Bharat Hardware Traders Pvt. Ltd. | Rajesh Kumar Sharma | 22 Lohar Chawl, Kalbadevi, Mumbai 400002 | Mumbai | IN | trading | large | alibaba | active | hand tools;bathroom fittings | bharathardware.in
AE-001 | Gulf Star General Trading LLC | Ahmed Al Mansoori | Warehouse 14, Al Qusais Industrial Area 2, Dubai | Dubai | AE | trading | large | trade_show | active | bathroom fittings;LED lighting;small appliances | gulfstar-trading.ae
SA-001 | Al Noor Building Materials Co. | Khalid Al Harbi | King Fahd Road, Al Olaya, Riyadh 12211 | Riyadh | SA | end_customer | large | association | negotiation | bathroom fittings | alnoor-bm.com.sa
EG-001 | Nile Home Appliances S.A.E. | Mohamed Hassan | Industrial Zone A1, 10th of Ramadan City, Sharqia | 10th of Ramadan City | EG | manufacturer | medium | made_in_china | first_contact | small appliances | nilehome.com.eg
NG-001 | Lagos Home Depot Ltd | Chinedu Okafor | 15 Creek Road, Apapa, Lagos | Lagos | NG | trading | medium | alibaba | active | kitchenware;small appliances | lagoshomedepot.com.ng
NG-002 | Nwosu Ventures | Emeka Nwosu | 12 New Market Road, Onitsha, Anambra | Onitsha | NG | trading | small | alibaba | screening | hand tools | 
ZA-001 | Cape Hardware Wholesalers (Pty) Ltd | Pieter Botha | 14 Marine Drive, Paarden Eiland, Cape Town 7405 | Cape Town | ZA | trading | medium | trade_show | active | hand tools;garden tools | capehardware.co.za
KE-001 | Nairobi Tools & Hardware Ltd | Grace Wanjiku | Enterprise Road, Industrial Area, Nairobi | Nairobi | KE | trading | small | customer_referral | first_contact | hand tools | nairobitools.co.ke
VN-001 | Saigon Housewares JSC | Nguyen Van Minh | 120 Nguyen Van Linh, Tan Phong, District 7, Ho Chi Minh City | Ho Chi Minh City | VN | trading | medium | alibaba | contract | kitchenware | saigonhousewares.vn
TH-001 | Siam Garden Co., Ltd. | Somchai Wongsakul | 99 Moo 4, Bangna-Trad Road, Bang Phli, Samut Prakan 10540 | Bangkok | TH | trading | small | trade_show | negotiation | garden tools | siamgarden.co.th
AU-001 | Southern Cross Outdoor Pty Ltd | Liam Walsh | 12 Dunlop Road, Mulgrave VIC 3170 | Melbourne | AU | end_customer | large | trade_show | active | camping gear;garden tools | southerncrossoutdoor.com.au
AU-002 | Harbourside Homewares Pty Ltd | Olivia Chen | 301 Botany Road, Zetland NSW 2017 | Sydney | AU | end_customer | medium | alibaba | negotiation | kitchenware;small appliances | harboursidehomewares.com.au
NZ-001 | Kiwi Garden Supplies Ltd | Hannah Wilson | 45 Carbine Road, Mt Wellington, Auckland 1060 | Auckland | NZ | end_customer | small | website | intent | garden tools | kiwigarden.co.nz
ID-001 | PT Nusantara Perkakas | Budi Santoso | Jl. Gunung Sahari Raya No. 58, Jakarta 10610 | Jakarta | ID | trading | medium | alibaba | market_research | hand tools | nusantaraperkakas.co.id
TW-001 | 福爾摩沙照明有限公司 Formosa Lighting Co., Ltd. | 林志明 | 台中市西屯區工業區一路88號 | Taichung | TW | trading | medium | trade_show | active | LED lighting | formosa-lighting.com.tw
HK-001 | 港灣貿易有限公司 Harbour Trading Co., Ltd. | 陳國強 | Room 1203, 12/F, Kwun Tong Plaza, 68 Hoi Yuen Road, Kwun Tong, Kowloon | Hong Kong | HK | trading | small | partner_referral | negotiation | small appliances | harbourtrading.com.hk
CN-001 | 上海恒通贸易有限公司 | 黄建国 | 上海市浦东新区张杨路500号时代广场18楼 | 上海 | CN | trading | large | trade_show | active | hand tools;garden tools | hengtong-trade.com.cn
CN-002 | 义乌市佳美日用品有限公司 | 何佳美 | 浙江省义乌市国际商贸城四区32街 | 义乌 | CN | trading | small | customer_referral | contract | kitchenware | 
CN-003 | 深圳市光明照明科技有限公司 | 周建华 | 深圳市光明区华夏路18号 | 深圳 | CN | manufacturer | medium | made_in_china | active | LED lighting | gmlighting.cn
";

/// The contacts, one a line: customer code | name | title | email | language | salutation
/// (how our people address them: "Mr. Becker", "Sophie", "黄总"). The first is the main contact.
const CONTACT_TABLE: &str = "\
DE-001 | Klaus Becker | Head of Purchasing | k.becker@hansa-tools.de | de | Mr. Becker
DE-001 | Anna Schulz | Accounting | a.schulz@hansa-tools.de | de | Ms. Schulz
DE-002 | Thomas Wagner | Einkauf | t.wagner@rheinland-garten.de | de | Mr. Wagner
DE-003 | Jonas Müller | Category Manager | j.mueller@mueller-soehne.de | de | Mr. Müller
FR-001 | Sophie Duval | Gérante | sophie@maison-duval.fr | fr | Sophie
FR-002 | Camille Lemaire | Responsable achats | c.lemaire@bricolage-lemaire.fr | fr | Camille
ES-001 | Javier Martínez | Director de Compras | compras@ferreteria-iberia.es | es | Javier
ES-001 | Lucía Gómez | Import Coordinator | l.gomez@ferreteria-iberia.es | en | Lucía
ES-002 | Rocío Navarro | Compras | compras@cocinasdelsol.es | es | Rocío
IT-001 | Giulia Rossi | Buyer | giulia.rossi@casabellacucina.it | en | Giulia
PL-001 | Marek Kowalski | Purchasing Manager | m.kowalski@polnarzedzia.pl | en | Marek
GB-001 | Oliver Hughes | Managing Director | oliver@brightwell-lighting.co.uk | en | Oliver
GB-001 | Emma Clarke | Procurement | e.clarke@brightwell-lighting.co.uk | en | Emma
GB-002 | Sarah Mitchell | Buyer | sarah@thornbury-garden.co.uk | en | Sarah
RU-001 | Dmitry Ivanov | Purchasing Director | d.ivanov@sevinstrument.ru | ru | Dmitry
NL-001 | Pieter van der Berg | Director | pieter@vanderberg-trading.nl | en | Pieter
TR-001 | Mehmet Yılmaz | Satın Alma Müdürü | mehmet.yilmaz@anadoluyapi.com.tr | en | Mr. Yılmaz
SE-001 | Karin Lindqvist | CEO | karin@nordickok.se | en | Karin
PT-001 | Rui Fernandes | Sócio-gerente | rui.fernandes@lusitania-utilidades.pt | pt | Mr. Fernandes
RO-001 | Andrei Popescu | Owner | andrei.popescu.trade@gmail.com | en | Andrei
US-001 | Mike Johnson | VP Purchasing | mike.johnson@lonestarhw.com | en | Mike
US-002 | Jennifer Lee | Sourcing Manager | jennifer.lee@pchomegoods.com | en | Jennifer
US-002 | Linda Garcia | Accounts Payable | ap@pacificcoasthome.com | en | Linda
US-003 | Kevin O'Brien | Procurement Manager | kobrien@greatlakeslighting.com | en | Kevin
US-004 | Samantha Reed | Founder & CEO | sam@brightnest.com | en | Samantha
US-005 | Tyler Brooks | Owner | tyler@summitoutdoorgear.com | en | Tyler
US-006 | Jake Miller | Owner | jake.fba.sourcing@gmail.com | en | Jake
CA-001 | Étienne Tremblay | Purchasing Director | etienne@mapleleaftools.ca | en | Étienne
MX-001 | Carlos Hernández | Gerente de Compras | compras@ferremayoreo.com.mx | es | Carlos
MX-002 | Luis Ramírez | Owner | luis.ramirez.imports@hotmail.com | es | Luis
BR-001 | Ana Souza | Gerente de Importação | ana.souza@casaejardim.com.br | pt | Ana
BR-002 | Ricardo Lima | Comprador | ricardo@ferramentaspaulista.com.br | pt | Ricardo
CL-001 | Felipe Rojas | Gerente Comercial | frojas@importadoraandes.cl | es | Felipe
AR-001 | Martín Fernández | Jefe de Compras | mfernandez@rioplata-dist.com.ar | es | Martín
CO-001 | Valentina Gómez | Compras | compras@hogarcolombia.co | es | Valentina
JP-001 | 佐藤 健 (Takeshi Sato) | Import Section Chief | t.sato@yamato-kitchen.co.jp | ja | Mr. Sato
KR-001 | Kim Min-jun | Purchasing Manager | mj.kim@hanbit-lighting.co.kr | en | Mr. Kim
IN-001 | Rajesh Kumar | Director | rajesh@bharathardware.in | en | Mr. Kumar
AE-001 | Ahmed Al Mansoori | General Manager | ahmed@gulfstar-trading.ae | ar | Mr. Ahmed
AE-001 | Faisal Khan | Logistics Coordinator | logistics@gulfstar-trading.ae | en | Faisal
SA-001 | Khalid Al Harbi | Procurement Manager | k.alharbi@alnoor-bm.com.sa | ar | Mr. Khalid
EG-001 | Mohamed Hassan | Sourcing Manager | m.hassan@nilehome.com.eg | ar | Mr. Hassan
NG-001 | Chinedu Okafor | Managing Director | chinedu@lagoshomedepot.com.ng | en | Mr. Okafor
NG-002 | Emeka Nwosu | CEO | emeka.nwosu.ventures@gmail.com | en | Emeka
ZA-001 | Pieter Botha | Buying Director | pieter@capehardware.co.za | en | Pieter
KE-001 | Grace Wanjiku | Purchasing Officer | grace@nairobitools.co.ke | en | Grace
VN-001 | Tran Thi Lan | Import Manager | lan.tran@saigonhousewares.vn | en | Ms. Lan
TH-001 | Somchai Wongsakul | Managing Director | somchai@siamgarden.co.th | en | Khun Somchai
AU-001 | Liam Walsh | Head of Sourcing | liam.walsh@southerncrossoutdoor.com.au | en | Liam
AU-002 | Olivia Chen | Senior Buyer | olivia@harboursidehomewares.com.au | en | Olivia
NZ-001 | Hannah Wilson | Buyer | hannah@kiwigarden.co.nz | en | Hannah
ID-001 | Budi Santoso | Director | budi@nusantaraperkakas.co.id | en | Mr. Budi
TW-001 | 林志明 | 採購經理 | jm.lin@formosa-lighting.com.tw | zh | 林經理
HK-001 | 陳嘉欣 Karen Chan | Merchandiser | karen.chan@harbourtrading.com.hk | zh | Karen
CN-001 | 黄建国 | 总经理 | huang.jg@hengtong-trade.com.cn | zh | 黄总
CN-001 | 刘丽 | 财务 | finance@hengtong-trade.com.cn | zh | 刘会计
CN-002 | 何晓燕 | 采购 | 2856471930@qq.com | zh | 何小姐
CN-003 | 周明 | 采购主管 | zhouming@gmlighting.cn | zh | 周经理
";

/// Customers who asked not to be contacted (§2: records kept current).
const DO_NOT_CONTACT: &[&str] = &["PT-001", "MX-002"];

/// Five domestic customers as Chinese Excel exports them (GBK, Chinese header).
const GBK_HEADER: &str =
    "客户编号,客户名称,国家,客户性质,规模,来源渠道,开发阶段,业务员,联系人,联系人邮箱,邮箱域名,付款方式";
const GBK_ROWS: &str = "\
CN-101,杭州鼎盛工贸有限公司,中国,贸易公司,中型,阿里巴巴,深入洽谈,陈静,王海涛,wanght@dingsheng-hz.com,dingsheng-hz.com,\"T/T 30%定金,70%发货前付清\"
CN-102,广州市华南五金制品厂,中国,生产型企业,大型,展会,签约,陈静,李志强,lizq@huanan-hardware.cn,huanan-hardware.cn,月结60天
CN-103,苏州美家家居用品有限公司,CN,终端客户,小型,客户推荐,初步接触,陈静,张晓燕,zhangxy@meijia-home.cn,meijia-home.cn,款到发货
CN-104,青岛海联国际贸易有限公司,中国,贸易公司,大型,展会,签约,陈静,赵刚,zhaogang@hailian-qd.com,hailian-qd.com,信用证
CN-105,温州瓯江电器有限公司,中国,生产型企业,中型,阿里巴巴,初步接触,陈静,林小红,linxh@oujiang-elec.com,oujiang-elec.com,月结30天
";

/// A customer with the attributes the generator derives from the seed.
#[derive(Clone)]
struct Customer {
    seed: CustomerSeed,
    owner: usize,
    tz: Tz,
    phone: String,
    fax: String,
    purchase_frequency: &'static str,
    payment_terms: &'static str,
    price_sensitivity: &'static str,
    credit_rating: &'static str,
    credit_limit: u64,
    currency: &'static str,
    market_notes: String,
    tags: Vec<&'static str>,
    do_not_contact: bool,
    last_verified: NaiveDate,
}

impl Customer {
    fn contact(&self, i: usize) -> &ContactSeed {
        &self.seed.contacts[i.min(self.seed.contacts.len() - 1)]
    }
    fn addr(&self, i: usize) -> Addr {
        let c = self.contact(i);
        Addr::new(c.name, c.email)
    }
    fn country(&self) -> &'static Country {
        country(self.seed.country)
    }
    fn is_domestic(&self) -> bool {
        self.seed.country == "CN"
    }
    fn website(&self) -> String {
        self.seed
            .domains
            .first()
            .map(|d| format!("https://www.{d}"))
            .unwrap_or_default()
    }
    /// The customer's signature under an English mail.
    fn signature(&self, i: usize) -> String {
        let c = self.contact(i);
        let mut s = format!(
            "{}\n{}\n{}\n{}, {}\nTel: {}",
            c.name,
            c.title,
            self.seed.name,
            self.seed.address,
            self.country().name,
            self.phone
        );
        let web = self.website();
        if !web.is_empty() {
            s.push('\n');
            s.push_str(&web);
        }
        s
    }
}

fn build_customers(rng: &mut Rng) -> Vec<Customer> {
    customer_seeds()
        .into_iter()
        .map(|seed| {
            let country = country(seed.country);
            let phone = phone_number(rng, country, seed.city);
            let fax = if rng.chance(40) {
                phone_number(rng, country, seed.city)
            } else {
                String::new()
            };
            let credit_rating = match (seed.stage, seed.code) {
                (_, "NG-001") => "poor",
                ("active", _) | ("contract", _) => {
                    *rng.pick(&["excellent", "good", "good", "average"])
                }
                _ => *rng.pick(&["good", "average", "average", "poor"]),
            };
            let base_limit: u64 = match seed.scale {
                "large" => 200_000,
                "medium" => 80_000,
                _ => 20_000,
            };
            let factor = match credit_rating {
                "excellent" => 150,
                "good" => 100,
                "average" => 60,
                _ => 20,
            };
            let currency = if seed.country == "CN" {
                "CNY"
            } else {
                country.currency
            };
            let mut credit_limit = base_limit * factor / 100;
            if currency == "CNY" {
                credit_limit *= 7;
            }
            credit_limit = credit_limit / 5_000 * 5_000;
            let payment_terms = match (seed.country, credit_rating) {
                ("CN", _) => *rng.pick(&[
                    "月结30天 (30 days net)",
                    "T/T 30% deposit, 70% before delivery",
                ]),
                (_, "excellent") => *rng.pick(&[
                    "O/A 60 days",
                    "T/T 30% deposit, 70% against B/L copy",
                    "L/C at sight",
                ]),
                (_, "good") => *rng.pick(&[
                    "T/T 30% deposit, 70% against B/L copy",
                    "L/C at sight",
                    "D/P at sight",
                ]),
                (_, "average") => "T/T 30% deposit, 70% before shipment",
                _ => "T/T 100% in advance",
            };
            let purchase_frequency = match (seed.stage, seed.scale) {
                ("active", "large") => "monthly",
                ("active", _) | ("contract", "large") => "quarterly",
                ("contract", _) => "twice a year",
                _ => "not yet ordering",
            };
            let price_sensitivity = match seed.nature {
                "end_customer" => *rng.pick(&["low", "medium"]),
                "manufacturer" => "medium",
                _ => *rng.pick(&["medium", "high", "high"]),
            };
            let mut tags: Vec<&'static str> = Vec::new();
            if seed.scale == "large" && matches!(seed.stage, "active" | "contract") {
                tags.push("key_account");
            }
            if seed.domains.is_empty() {
                tags.push("free_mail");
            }
            if seed.source == "trade_show" {
                tags.push(*rng.pick(&[
                    "canton_fair",
                    "canton_fair",
                    "eisenwarenmesse",
                    "ambiente",
                ]));
            }
            if seed.categories.contains(&"LED lighting") {
                tags.push("ce_rohs_required");
            }
            if seed.code == "NG-001" {
                tags.push("overdue_watch");
            }
            let market_notes = market_note(rng, &seed);
            // Most records were checked this year; some are older than a year (stale, §2.4).
            let verified_days_ago = if rng.chance(25) {
                rng.range(380, 900)
            } else {
                rng.range(10, 300)
            };
            let last_verified = report_date() - Duration::days(verified_days_ago);
            Customer {
                owner: owner_for(seed.country),
                tz: customer_tz(seed.country, seed.city),
                do_not_contact: DO_NOT_CONTACT.contains(&seed.code),
                phone,
                fax,
                purchase_frequency,
                payment_terms,
                price_sensitivity,
                credit_rating,
                credit_limit,
                currency,
                market_notes,
                tags,
                last_verified,
                seed,
            }
        })
        .collect()
}

fn phone_number(rng: &mut Rng, country: &Country, city: &str) -> String {
    if country.code == "CN" {
        let area = match city {
            "上海" => "21",
            "深圳" => "755",
            _ => "579",
        };
        return format!("+86 {area} {} {}", rng.digits(4), rng.digits(4));
    }
    format!(
        "{} {} {} {}",
        country.calling,
        rng.range(2, 9) * 10 + rng.range(0, 9),
        rng.digits(3),
        rng.digits(4)
    )
}

fn market_note(rng: &mut Rng, seed: &CustomerSeed) -> String {
    let cat = seed.categories[0];
    let notes = [
        format!("Main competitor supplier in Vietnam; asks for {cat} price cuts every quarter."),
        format!(
            "Growing DIY retail in {}; wants private label packaging.",
            country(seed.country).name
        ),
        "Pays on time; prefers consolidated shipments before peak season.".to_string(),
        format!("Compares our {cat} with Indian suppliers; quality feedback positive."),
        "Interested in eco-friendly packaging and FSC-certified handles.".to_string(),
        "Requires BSCI audit report and pre-shipment inspection (SGS).".to_string(),
    ];
    rng.pick(&notes).clone()
}

// ---------------------------------------------------------------------------
// A tiny deterministic PRNG (splitmix64)
// ---------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x005E_A0D7_AD30_C0DE)
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
    fn hex(&mut self, n: usize) -> String {
        const HEX: &[u8] = b"0123456789ABCDEF";
        (0..n)
            .map(|_| char::from(HEX[self.below(16) as usize]))
            .collect()
    }
    fn alnum(&mut self, n: usize) -> String {
        const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..n)
            .map(|_| char::from(CHARS[self.below(CHARS.len() as u64) as usize]))
            .collect()
    }
}

// ---------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------

/// The "today" of the demo: mail runs up to the eve of this day (China time).
fn report_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).expect("valid date")
}

/// The first day of the half year of mail.
fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 28).expect("valid date")
}

fn window_end() -> DateTime<Utc> {
    local(CHINA, report_date(), 0, 0).with_timezone(&Utc)
}

fn ymd(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("valid date")
}

/// Local time `h:m` on `day` in `tz`.
fn local(tz: Tz, day: NaiveDate, h: u32, m: u32) -> DateTime<FixedOffset> {
    let noon = Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).expect("valid time"));
    tz.offset_at(noon)
        .from_local_datetime(&day.and_hms_opt(h, m, 0).expect("valid time"))
        .single()
        .expect("fixed offset")
}

fn next_workday(mut day: NaiveDate) -> NaiveDate {
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day += Duration::days(1);
    }
    day
}

fn money(cents: u64) -> String {
    let units = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{grouped}.{:02}", cents % 100)
}

// ---------------------------------------------------------------------------
// MIME encoding
// ---------------------------------------------------------------------------

fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 in lines of 76 characters, each ending in CRLF.
fn base64_lines(data: &[u8]) -> String {
    let encoded = base64(data);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 38);
    for line in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push_str("\r\n");
    }
    out
}

/// Quoted-printable of `data` whose line breaks are CRLF.
fn quoted_printable(data: &[u8]) -> String {
    let mut out = String::new();
    let text_lines: Vec<&[u8]> = split_crlf(data);
    for (i, line) in text_lines.iter().enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        let mut len = 0;
        for (j, &b) in line.iter().enumerate() {
            let last = j + 1 == line.len();
            let token = match b {
                b' ' | b'\t' if last => format!("={b:02X}"),
                b'=' => "=3D".to_string(),
                b' ' | b'\t' | 33..=126 => char::from(b).to_string(),
                _ => format!("={b:02X}"),
            };
            if len + token.len() > 75 {
                out.push_str("=\r\n");
                len = 0;
            }
            len += token.len();
            out.push_str(&token);
        }
    }
    out.push_str("\r\n");
    out
}

fn split_crlf(data: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + 1 < data.len() {
        if data[i] == b'\r' && data[i + 1] == b'\n' {
            lines.push(&data[start..i]);
            start = i + 2;
            i += 2;
        } else {
            i += 1;
        }
    }
    lines.push(&data[start..]);
    lines
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Charset {
    Utf8,
    Gb2312,
    Gbk,
    Big5,
}

impl Charset {
    /// The label in a body's Content-Type.
    fn body_label(self) -> &'static str {
        match self {
            Charset::Utf8 => "utf-8",
            Charset::Gb2312 => "gb2312",
            Charset::Gbk => "GBK",
            Charset::Big5 => "big5",
        }
    }
    /// The label in an RFC 2047 encoded word.
    fn word_label(self) -> &'static str {
        match self {
            Charset::Utf8 => "UTF-8",
            Charset::Gb2312 => "GB2312",
            Charset::Gbk => "GBK",
            Charset::Big5 => "big5",
        }
    }
    /// The bytes of `text` in this charset, or `None` if it cannot hold every character.
    fn encode(self, text: &str) -> Option<Vec<u8>> {
        let encoding = match self {
            Charset::Utf8 => return Some(text.as_bytes().to_vec()),
            Charset::Gb2312 | Charset::Gbk => encoding_rs::GBK,
            Charset::Big5 => encoding_rs::BIG5,
        };
        let (bytes, _, unmappable) = encoding.encode(text);
        // encoding_rs maps the euro sign into GBK's 0x80, which GB2312 readers reject.
        (!unmappable && !text.contains('€')).then(|| bytes.into_owned())
    }
}

/// RFC 2047 encoded words (B encoding) for `text`, each at most 75 characters;
/// falls back to UTF-8 when `charset` cannot hold the text.
fn encoded_words(text: &str, charset: Charset) -> Vec<String> {
    let charset = if charset.encode(text).is_some() {
        charset
    } else {
        Charset::Utf8
    };
    let label = charset.word_label();
    let max_raw = (75 - label.len() - 7) / 4 * 3;
    let mut words = Vec::new();
    let mut chunk: Vec<u8> = Vec::new();
    let mut buf = [0u8; 4];
    for ch in text.chars() {
        let bytes = charset.encode(ch.encode_utf8(&mut buf)).unwrap_or_default();
        if chunk.len() + bytes.len() > max_raw {
            words.push(format!("=?{label}?B?{}?=", base64(&chunk)));
            chunk.clear();
        }
        chunk.extend_from_slice(&bytes);
    }
    if !chunk.is_empty() {
        words.push(format!("=?{label}?B?{}?=", base64(&chunk)));
    }
    words
}

/// A header line folded at spaces so no line exceeds 76 characters where avoidable.
fn fold(name: &str, tokens: &[String]) -> String {
    let mut out = format!("{name}:");
    let mut len = out.len();
    let mut first = true;
    for token in tokens {
        if !first && len + 1 + token.len() > 76 {
            out.push_str("\r\n ");
            len = 1;
        } else {
            out.push(' ');
            len += 1;
        }
        out.push_str(token);
        len += token.len();
        first = false;
    }
    out
}

fn header_text_tokens(text: &str, charset: Charset) -> Vec<String> {
    if text.is_ascii() {
        text.split_whitespace().map(str::to_string).collect()
    } else {
        encoded_words(text, charset)
    }
}

/// The display name and address of one mailbox.
#[derive(Clone, PartialEq, Eq, Debug)]
struct Addr {
    name: String,
    email: String,
}

impl Addr {
    fn new(name: &str, email: &str) -> Addr {
        Addr {
            name: name.to_string(),
            email: email.to_string(),
        }
    }
    fn domain(&self) -> &str {
        self.email.rsplit('@').next().unwrap_or("")
    }
    /// "Name <email>" as people see it in quoted headers.
    fn display(&self) -> String {
        if self.name.is_empty() {
            self.email.clone()
        } else {
            format!("{} <{}>", self.name, self.email)
        }
    }
    fn tokens(&self, charset: Charset) -> Vec<String> {
        let angle = format!("<{}>", self.email);
        if self.name.is_empty() {
            return vec![self.email.clone()];
        }
        let mut tokens = if !self.name.is_ascii() {
            encoded_words(&self.name, charset)
        } else if self.name.chars().any(|c| "()<>[]:;@\\,.\"'".contains(c)) {
            vec![format!(
                "\"{}\"",
                self.name.replace('\\', "\\\\").replace('"', "\\\"")
            )]
        } else {
            self.name.split_whitespace().map(str::to_string).collect()
        };
        tokens.push(angle);
        tokens
    }
}

fn address_header(name: &str, addrs: &[Addr], charset: Charset) -> String {
    let mut tokens = Vec::new();
    for (i, a) in addrs.iter().enumerate() {
        let mut t = a.tokens(charset);
        if i + 1 < addrs.len() {
            if let Some(last) = t.last_mut() {
                last.push(',');
            }
        }
        tokens.extend(t);
    }
    fold(name, &tokens)
}

// ---------------------------------------------------------------------------
// How mail clients write: styles, quoting, Message-IDs
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cte {
    QuotedPrintable,
    Base64,
}

/// How a reply quotes the message it answers.
#[derive(Clone, Copy)]
enum Quote {
    /// Gmail / Thunderbird: "On ... wrote:" and "> " lines.
    OnWrote,
    /// Outlook: "-----Original Message-----" header block, text unindented.
    Outlook,
    /// German Outlook: "-----Ursprüngliche Nachricht-----", "Von:", "Gesendet:".
    OutlookDe,
    /// Chinese Outlook: "-----原始邮件-----", "发件人:", "发送时间:".
    Chinese,
    /// Traditional-Chinese Outlook: "-----原始郵件-----", "寄件者:".
    ChineseTraditional,
    /// Foxmail / QQ Mail: "------------------ 原始邮件 ------------------".
    Foxmail,
}

/// What a Message-ID looks like.
#[derive(Clone, Copy)]
enum Ids {
    Host,
    Outlook,
    Gmail,
    Foxmail,
    Qq,
}

#[derive(Clone, Copy)]
struct Style {
    charset: Charset,
    cte: Cte,
    header: Charset,
    agent: Option<&'static str>,
    quote: Quote,
    ids: Ids,
    reply_prefix: &'static str,
}

const OUTLOOK: Style = Style {
    charset: Charset::Utf8,
    cte: Cte::QuotedPrintable,
    header: Charset::Utf8,
    agent: Some("X-Mailer: Microsoft Outlook 16.0"),
    quote: Quote::Outlook,
    ids: Ids::Outlook,
    reply_prefix: "RE: ",
};
const OUTLOOK_DE: Style = Style {
    quote: Quote::OutlookDe,
    reply_prefix: "AW: ",
    ..OUTLOOK
};
const OUTLOOK_CN: Style = Style {
    charset: Charset::Gb2312,
    cte: Cte::Base64,
    header: Charset::Gb2312,
    agent: Some("X-Mailer: Microsoft Outlook 16.0"),
    quote: Quote::Chinese,
    ids: Ids::Host,
    reply_prefix: "答复: ",
};
const BIG5_OUTLOOK: Style = Style {
    charset: Charset::Big5,
    cte: Cte::Base64,
    header: Charset::Big5,
    agent: Some("X-Mailer: Microsoft Outlook 16.0"),
    quote: Quote::ChineseTraditional,
    ids: Ids::Outlook,
    reply_prefix: "RE: ",
};
const GMAIL: Style = Style {
    charset: Charset::Utf8,
    cte: Cte::QuotedPrintable,
    header: Charset::Utf8,
    agent: None,
    quote: Quote::OnWrote,
    ids: Ids::Gmail,
    reply_prefix: "Re: ",
};
const THUNDERBIRD: Style = Style {
    agent: Some("User-Agent: Mozilla Thunderbird"),
    ids: Ids::Host,
    ..GMAIL
};
const FOXMAIL_GB: Style = Style {
    charset: Charset::Gb2312,
    cte: Cte::Base64,
    header: Charset::Gb2312,
    agent: Some("X-Mailer: Foxmail 7.2.25.375[cn]"),
    quote: Quote::Foxmail,
    ids: Ids::Foxmail,
    reply_prefix: "回复：",
};
const FOXMAIL_GBK: Style = Style {
    charset: Charset::Gbk,
    ..FOXMAIL_GB
};
const QQ_MAIL: Style = Style {
    charset: Charset::Gbk,
    agent: None,
    ids: Ids::Qq,
    ..FOXMAIL_GB
};
/// Seawind staff writing English from their desktop client.
const STAFF_OUTLOOK: Style = Style {
    ids: Ids::Host,
    ..OUTLOOK
};
const STAFF_FOXMAIL_EN: Style = Style {
    charset: Charset::Utf8,
    cte: Cte::QuotedPrintable,
    header: Charset::Utf8,
    agent: Some("X-Mailer: Foxmail 7.2.25.375[en]"),
    quote: Quote::OnWrote,
    ids: Ids::Host,
    reply_prefix: "Re: ",
};
/// Seawind staff writing Chinese in the company webmail (UTF-8, base64).
const STAFF_WEBMAIL_ZH: Style = Style {
    charset: Charset::Utf8,
    cte: Cte::Base64,
    header: Charset::Utf8,
    agent: None,
    quote: Quote::Chinese,
    ids: Ids::Host,
    reply_prefix: "Re: ",
};
/// Machines: notification senders, web forms, bounces.
const MACHINE: Style = Style {
    charset: Charset::Utf8,
    cte: Cte::QuotedPrintable,
    header: Charset::Utf8,
    agent: None,
    quote: Quote::OnWrote,
    ids: Ids::Host,
    reply_prefix: "Re: ",
};

/// The client each colleague writes English mail with.
fn staff_style(user: usize) -> Style {
    match user {
        ZHANG_MIN => THUNDERBIRD,
        CHEN_JING => STAFF_FOXMAIL_EN,
        _ => STAFF_OUTLOOK,
    }
}

/// The client each colleague writes Chinese mail with.
fn staff_style_zh(user: usize) -> Style {
    match user {
        LI_WEI | LIU_YANG => FOXMAIL_GB,
        WANG_FANG => OUTLOOK_CN,
        _ => STAFF_WEBMAIL_ZH,
    }
}

/// The client a customer's contact writes with: fixed per address, not random.
fn customer_style(c: &Customer, contact: usize) -> Style {
    let email = c.contact(contact).email;
    if email.ends_with("@gmail.com") {
        return GMAIL;
    }
    if email.ends_with("@hotmail.com") {
        return OUTLOOK;
    }
    if email.ends_with("@qq.com") {
        return QQ_MAIL;
    }
    match c.seed.country {
        "DE" => OUTLOOK_DE,
        "CN" => {
            if c.seed.code == "CN-003" {
                FOXMAIL_GBK
            } else {
                FOXMAIL_GB
            }
        }
        "TW" | "HK" => BIG5_OUTLOOK,
        _ => {
            let h: u32 = c.seed.code.bytes().map(u32::from).sum();
            [OUTLOOK, THUNDERBIRD, GMAIL, OUTLOOK, STAFF_FOXMAIL_EN][(h % 5) as usize]
        }
    }
}

fn reply_subject(subject: &str, prefix: &str) -> String {
    let lower = subject.to_lowercase();
    let already = ["re:", "aw:", "回复：", "回复:", "答复:", "答复：", "re："]
        .iter()
        .any(|p| lower.starts_with(p));
    if already {
        subject.to_string()
    } else {
        format!("{prefix}{subject}")
    }
}

const WEEKDAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const WEEKDAYS_DE: [&str; 7] = [
    "Montag",
    "Dienstag",
    "Mittwoch",
    "Donnerstag",
    "Freitag",
    "Samstag",
    "Sonntag",
];
const WEEKDAYS_ZH: [&str; 7] = [
    "星期一",
    "星期二",
    "星期三",
    "星期四",
    "星期五",
    "星期六",
    "星期日",
];
const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

fn join_display(addrs: &[Addr], sep: &str) -> String {
    addrs
        .iter()
        .map(Addr::display)
        .collect::<Vec<_>>()
        .join(sep)
}

/// The quoted copy of `prev` that a reply in `quote` style carries below its own text.
fn quote_block(prev: &Mail, quote: Quote) -> String {
    let d = prev.date;
    let wd = d.weekday().num_days_from_monday() as usize;
    let cc = |label: &str, sep: &str| {
        if prev.cc.is_empty() {
            String::new()
        } else {
            format!("{label}{}\n", join_display(&prev.cc, sep))
        }
    };
    match quote {
        Quote::OnWrote => {
            let quoted: Vec<String> = prev
                .text
                .lines()
                .map(|l| if l.is_empty() { ">".to_string() } else { format!("> {l}") })
                .collect();
            format!(
                "\n\nOn {}, {} wrote:\n{}",
                d.format("%a, %b %-d, %Y at %-I:%M %p"),
                prev.from.display(),
                quoted.join("\n")
            )
        }
        Quote::Outlook => format!(
            "\n\n-----Original Message-----\nFrom: {}\nSent: {}, {}\nTo: {}\n{}Subject: {}\n\n{}",
            prev.from.display(),
            WEEKDAYS_EN[wd],
            d.format("%B %-d, %Y %-I:%M %p"),
            join_display(&prev.to, "; "),
            cc("Cc: ", "; "),
            prev.subject,
            prev.text
        ),
        Quote::OutlookDe => format!(
            "\n\n-----Ursprüngliche Nachricht-----\nVon: {}\nGesendet: {}, {}. {} {} {}\nAn: {}\n{}Betreff: {}\n\n{}",
            prev.from.display(),
            WEEKDAYS_DE[wd],
            d.day(),
            MONTHS_DE[d.month0() as usize],
            d.year(),
            d.format("%H:%M"),
            join_display(&prev.to, "; "),
            cc("Cc: ", "; "),
            prev.subject,
            prev.text
        ),
        Quote::Chinese => format!(
            "\n\n-----原始邮件-----\n发件人: {} [mailto:{}]\n发送时间: {}年{}月{}日 {}\n收件人: {}\n{}主题: {}\n\n{}",
            prev.from.name,
            prev.from.email,
            d.year(),
            d.month(),
            d.day(),
            d.format("%H:%M"),
            join_display(&prev.to, "; "),
            cc("抄送: ", "; "),
            prev.subject,
            prev.text
        ),
        Quote::ChineseTraditional => format!(
            "\n\n-----原始郵件-----\n寄件者: {} [mailto:{}]\n寄件日期: {}年{}月{}日 {}\n收件者: {}\n{}主旨: {}\n\n{}",
            prev.from.name,
            prev.from.email,
            d.year(),
            d.month(),
            d.day(),
            d.format("%H:%M"),
            join_display(&prev.to, "; "),
            cc("副本: ", "; "),
            prev.subject,
            prev.text
        ),
        Quote::Foxmail => {
            let who = |a: &Addr| format!("\"{}\"<{}>;", a.name, a.email);
            let half = if d.hour() < 12 { "上午" } else { "下午" };
            let h12 = if d.hour().is_multiple_of(12) { 12 } else { d.hour() % 12 };
            format!(
                "\n\n------------------ 原始邮件 ------------------\n发件人: {}\n发送时间: {}年{}月{}日({}) {}{}:{:02}\n收件人: {}\n{}主题: {}\n\n{}",
                who(&prev.from),
                d.year(),
                d.month(),
                d.day(),
                WEEKDAYS_ZH[wd],
                half,
                h12,
                d.minute(),
                prev.to.iter().map(who).collect::<Vec<_>>().join(""),
                if prev.cc.is_empty() {
                    String::new()
                } else {
                    format!("抄送: {}\n", prev.cc.iter().map(who).collect::<Vec<_>>().join(""))
                },
                prev.subject,
                prev.text
            )
        }
    }
}

// ---------------------------------------------------------------------------
// The message model and its rendering
// ---------------------------------------------------------------------------

#[derive(Clone)]
struct Attachment {
    filename: String,
    mime: &'static str,
    data: Vec<u8>,
}

fn pdf(name: &str, title: &str) -> Attachment {
    let body = format!(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n3 0 obj << /Title ({}) /Producer (Seawind demo) >> endobj\ntrailer << /Root 1 0 R /Info 3 0 R >>\n%%EOF\n",
        title.chars().filter(char::is_ascii).collect::<String>()
    );
    Attachment {
        filename: name.to_string(),
        mime: "application/pdf",
        data: body.into_bytes(),
    }
}

fn xlsx(name: &str) -> Attachment {
    let mut data = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00".to_vec();
    data.extend_from_slice(
        b"[Content_Types].xml<?xml version=\"1.0\"?><Types/>xl/worksheets/sheet1.xml",
    );
    data.extend_from_slice(&[0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0]);
    Attachment {
        filename: name.to_string(),
        mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        data,
    }
}

fn jpeg(name: &str) -> Attachment {
    let mut data = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    data.extend_from_slice(b"JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00");
    data.extend((0..64u8).map(|i| i.wrapping_mul(37)));
    data.extend_from_slice(&[0xFF, 0xD9]);
    Attachment {
        filename: name.to_string(),
        mime: "image/jpeg",
        data,
    }
}

#[derive(Clone)]
struct Mail {
    seq: usize,
    id: Option<String>,
    date: DateTime<FixedOffset>,
    from: Addr,
    reply_to: Option<Addr>,
    to: Vec<Addr>,
    cc: Vec<Addr>,
    subject: String,
    in_reply_to: Option<String>,
    references: Vec<String>,
    text: String,
    style: Style,
    html: Option<String>,
    html_only: bool,
    attachments: Vec<Attachment>,
    /// (message/delivery-status, text/rfc822-headers) for a bounce.
    report: Option<(String, String)>,
    extra_headers: Vec<String>,
}

enum Entity {
    Leaf { headers: Vec<String>, body: String },
    Multi { subtype: String, parts: Vec<Entity> },
}

impl Entity {
    fn render(&self, seq: usize, stamp: i64, depth: usize) -> (Vec<String>, String) {
        match self {
            Entity::Leaf { headers, body } => (headers.clone(), body.clone()),
            Entity::Multi { subtype, parts } => {
                let boundary = format!("----=_NextPart_{depth:03}_{seq:04X}_{stamp:08X}");
                let headers = vec![format!(
                    "Content-Type: multipart/{subtype};\r\n\tboundary=\"{boundary}\""
                )];
                let mut body = String::new();
                if depth == 0 {
                    body.push_str("This is a multi-part message in MIME format.\r\n\r\n");
                }
                for part in parts {
                    let (h, b) = part.render(seq, stamp, depth + 1);
                    body.push_str(&format!("--{boundary}\r\n{}\r\n\r\n{b}", h.join("\r\n")));
                }
                body.push_str(&format!("--{boundary}--\r\n"));
                (headers, body)
            }
        }
    }
}

fn text_leaf(text: &str, charset: Charset, cte: Cte, subtype: &str) -> Entity {
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let (charset, bytes) = match charset.encode(&crlf) {
        Some(bytes) => (charset, bytes),
        None => (Charset::Utf8, crlf.clone().into_bytes()),
    };
    let (cte_label, body) = if bytes.is_ascii() && crlf.lines().all(|l| l.len() < 900) {
        ("7bit", format!("{crlf}\r\n"))
    } else if cte == Cte::Base64 {
        ("base64", base64_lines(&bytes))
    } else {
        ("quoted-printable", quoted_printable(&bytes))
    };
    Entity::Leaf {
        headers: vec![
            format!(
                "Content-Type: text/{subtype}; charset=\"{}\"",
                charset.body_label()
            ),
            format!("Content-Transfer-Encoding: {cte_label}"),
        ],
        body,
    }
}

fn attachment_leaf(a: &Attachment, header_charset: Charset) -> Entity {
    let name = if a.filename.is_ascii() {
        format!("\"{}\"", a.filename)
    } else {
        format!(
            "\"{}\"",
            encoded_words(&a.filename, header_charset).join(" ")
        )
    };
    let disposition = if a.filename.is_ascii() {
        format!("filename=\"{}\"", a.filename)
    } else {
        let pct: String = a.filename.bytes().map(|b| format!("%{b:02X}")).collect();
        format!("filename*=UTF-8''{pct}")
    };
    Entity::Leaf {
        headers: vec![
            format!("Content-Type: {};\r\n\tname={name}", a.mime),
            "Content-Transfer-Encoding: base64".to_string(),
            format!("Content-Disposition: attachment;\r\n\t{disposition}"),
        ],
        body: base64_lines(&a.data),
    }
}

impl Mail {
    fn entity(&self) -> Entity {
        let s = self.style;
        let text = || text_leaf(&self.text, s.charset, s.cte, "plain");
        let html = |h: &str| text_leaf(h, Charset::Utf8, Cte::QuotedPrintable, "html");
        let main = match (&self.html, self.html_only) {
            (Some(h), true) => html(h),
            (Some(h), false) => Entity::Multi {
                subtype: "alternative".to_string(),
                parts: vec![text(), html(h)],
            },
            (None, _) => text(),
        };
        let main = match &self.report {
            Some((status, headers)) => Entity::Multi {
                subtype: "report; report-type=delivery-status".to_string(),
                parts: vec![
                    main,
                    Entity::Leaf {
                        headers: vec!["Content-Type: message/delivery-status".to_string()],
                        body: format!("{}\r\n", status.replace('\n', "\r\n")),
                    },
                    Entity::Leaf {
                        headers: vec!["Content-Type: text/rfc822-headers".to_string()],
                        body: format!("{}\r\n", headers.replace('\n', "\r\n")),
                    },
                ],
            },
            None => main,
        };
        if self.attachments.is_empty() {
            return main;
        }
        let mut parts = vec![main];
        parts.extend(
            self.attachments
                .iter()
                .map(|a| attachment_leaf(a, s.header)),
        );
        Entity::Multi {
            subtype: "mixed".to_string(),
            parts,
        }
    }

    /// The message as stored: RFC 5322, CRLF line ends, 7-bit clean.
    /// `delivered_to` is set for the copy delivered to an INBOX.
    fn render(&self, delivered_to: Option<&str>) -> String {
        let hc = self.style.header;
        let mut h: Vec<String> = Vec::new();
        if let Some(d) = delivered_to {
            h.push(format!("Delivered-To: {d}"));
        }
        h.push(format!(
            "Date: {}",
            self.date.format("%a, %-d %b %Y %H:%M:%S %z")
        ));
        h.push(address_header("From", std::slice::from_ref(&self.from), hc));
        if let Some(r) = &self.reply_to {
            h.push(address_header("Reply-To", std::slice::from_ref(r), hc));
        }
        h.push(address_header("To", &self.to, hc));
        if !self.cc.is_empty() {
            h.push(address_header("Cc", &self.cc, hc));
        }
        h.push(fold("Subject", &header_text_tokens(&self.subject, hc)));
        if let Some(id) = &self.id {
            h.push(format!("Message-ID: {id}"));
        }
        if let Some(parent) = &self.in_reply_to {
            h.push(format!("In-Reply-To: {parent}"));
        }
        if !self.references.is_empty() {
            h.push(fold("References", &self.references));
        }
        h.extend(self.extra_headers.iter().cloned());
        if let Some(agent) = self.style.agent {
            h.push(agent.to_string());
        }
        h.push("MIME-Version: 1.0".to_string());
        let (entity_headers, body) = self.entity().render(self.seq, self.date.timestamp(), 0);
        h.extend(entity_headers);
        format!("{}\r\n\r\n{body}", h.join("\r\n"))
    }
}

// ---------------------------------------------------------------------------
// The corpus: who writes what, when
// ---------------------------------------------------------------------------

/// One message about to be sent.
struct Draft {
    from: Addr,
    to: Vec<Addr>,
    cc: Vec<Addr>,
    text: String,
    style: Style,
    /// The sender's time zone: mail is written in office hours.
    tz: Tz,
    attachments: Vec<Attachment>,
}

impl Draft {
    fn new(from: Addr, to: Addr, text: String, style: Style, tz: Tz) -> Draft {
        Draft {
            from,
            to: vec![to],
            cc: Vec::new(),
            text,
            style,
            tz,
            attachments: Vec::new(),
        }
    }
    fn cc(mut self, cc: Addr) -> Draft {
        self.cc.push(cc);
        self
    }
    fn attach(mut self, a: Attachment) -> Draft {
        self.attachments.push(a);
        self
    }
    fn attach_if(self, yes: bool, a: impl FnOnce() -> Attachment) -> Draft {
        if yes {
            self.attach(a())
        } else {
            self
        }
    }
}

/// An order line: product, quantity, unit price in minor units of the deal currency.
struct Line {
    p: &'static Product,
    qty: u64,
    cents: u64,
}

fn staff(user: usize) -> Addr {
    let u = &USERS[user];
    Addr::new(u.en, &format!("{}@{DOMAIN}", u.login))
}

fn staff_zh(user: usize) -> Addr {
    let u = &USERS[user];
    Addr::new(u.zh, &format!("{}@{DOMAIN}", u.login))
}

fn service() -> Addr {
    Addr::new("Seawind Customer Service", &format!("service@{DOMAIN}"))
}

fn finance() -> Addr {
    Addr::new("Seawind Finance", &format!("finance@{DOMAIN}"))
}

fn first_name(user: usize) -> &'static str {
    USERS[user].en
}

fn sig_en(user: usize, email: &str) -> String {
    let u = &USERS[user];
    format!(
        "Best regards,\n\n{} {}\n{}\n{COMPANY_EN}\n{COMPANY_ZH}\nAdd: {COMPANY_ADDRESS_EN}\nTel: {COMPANY_PHONE} | Mob/WeChat/WhatsApp: {}\nEmail: {email} | Web: www.{DOMAIN}",
        u.en, u.zh, u.title_en, u.mobile
    )
}

fn sales_sig(user: usize) -> String {
    sig_en(user, &format!("{}@{DOMAIN}", USERS[user].login))
}

fn sig_zh(user: usize) -> String {
    let u = &USERS[user];
    format!(
        "{}\n{}\n{COMPANY_ZH}\n地址：{COMPANY_ADDRESS_ZH}\n电话：0574-8765 4321  手机/微信：{}",
        u.zh,
        u.title_zh,
        u.mobile.trim_start_matches("+86 ")
    )
}

fn short_sig(c: &Customer, contact: usize) -> String {
    format!(
        "Best regards,\n{}\n{}",
        c.contact(contact).name,
        c.seed.name
    )
}

fn currency_label(c: &Customer) -> &'static str {
    match c.currency {
        "EUR" => "EUR",
        "CNY" => "RMB",
        _ => "USD",
    }
}

fn lines_request(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|l| format!("- {} {}: {} pcs\n", l.p.model, l.p.en, l.qty))
        .collect()
}

fn lines_offer(lines: &[Line], cur: &str) -> String {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                "{}. {} {}\n   {cur} {}/pc, MOQ {} pcs, {} pcs/carton\n",
                i + 1,
                l.p.model,
                l.p.en,
                money(l.cents),
                l.p.moq,
                l.p.per_carton
            )
        })
        .collect()
}

fn lines_total(lines: &[Line]) -> u64 {
    lines.iter().map(|l| l.qty * l.cents).sum()
}

fn lines_order(lines: &[Line], cur: &str) -> String {
    let mut s: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                "{}. {} {}: {} pcs x {cur} {} = {cur} {}\n",
                i + 1,
                l.p.model,
                l.p.en,
                l.qty,
                money(l.cents),
                money(l.qty * l.cents)
            )
        })
        .collect();
    s.push_str(&format!("Total: {cur} {}\n", money(lines_total(lines))));
    s
}

fn lines_zh(lines: &[Line]) -> String {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{}. {} {}，数量{}件\n", i + 1, l.p.model, l.p.zh, l.qty))
        .collect()
}

fn lines_offer_zh(lines: &[Line]) -> String {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                "{}. {} {}：{}元/件，起订量{}件\n",
                i + 1,
                l.p.model,
                l.p.zh,
                money(l.cents),
                l.p.moq
            )
        })
        .collect()
}

/// Days at sea from Ningbo.
fn transit_days(country: &str) -> i64 {
    match country {
        "JP" | "KR" | "TW" | "HK" => 5,
        "VN" | "TH" | "ID" => 9,
        "IN" | "AE" | "SA" => 20,
        "AU" | "NZ" => 18,
        "US" | "CA" | "MX" => 24,
        "BR" | "CL" | "AR" | "CO" => 38,
        "NG" | "ZA" | "KE" | "EG" => 33,
        _ => 34,
    }
}

struct Corpus {
    rng: Rng,
    customers: Vec<Customer>,
    mails: Vec<Mail>,
    pi_seq: u64,
    po_seq: u64,
    id_seq: u64,
}

impl Corpus {
    fn new(rng: Rng, customers: Vec<Customer>) -> Corpus {
        Corpus {
            rng,
            customers,
            mails: Vec::new(),
            pi_seq: 730,
            po_seq: 4400,
            id_seq: 0,
        }
    }

    fn customer(&self, code: &str) -> Customer {
        self.customers
            .iter()
            .find(|c| c.seed.code == code)
            .unwrap_or_else(|| panic!("demo data names unknown customer {code}"))
            .clone()
    }

    fn next_pi(&mut self) -> String {
        self.pi_seq += self.rng.range(1, 3) as u64;
        format!("PI-SW2026-{:04}", self.pi_seq)
    }

    fn next_po(&mut self) -> String {
        self.po_seq += self.rng.range(1, 40) as u64;
        format!("PO-{}", self.po_seq)
    }

    /// A day `lo..=hi` days after the first day of the window.
    fn day(&mut self, lo: i64, hi: i64) -> NaiveDate {
        first_day() + Duration::days(self.rng.range(lo, hi))
    }

    /// Some time in office hours on `day` (or the next working day) in `tz`.
    fn office(&mut self, tz: Tz, day: NaiveDate) -> DateTime<FixedOffset> {
        let day = next_workday(day);
        let h = self.rng.range(8, 17) as u32;
        let m = self.rng.range(0, 59) as u32;
        local(tz, day, h, m)
    }

    /// A moment `hours` after `prev`, moved into the writer's office hours;
    /// `None` when that is past the end of the demo's half year.
    fn later(
        &mut self,
        prev: DateTime<FixedOffset>,
        tz: Tz,
        hours: (i64, i64),
    ) -> Option<DateTime<FixedOffset>> {
        let minutes = self.rng.range(hours.0 * 60, hours.1 * 60).max(7);
        let t = prev.with_timezone(&Utc) + Duration::minutes(minutes);
        let l = t.with_timezone(&tz.offset_at(t));
        let weekend = matches!(l.weekday(), Weekday::Sat | Weekday::Sun);
        let mut out = l;
        if weekend || l.hour() < 8 || l.hour() >= 19 {
            let mut day = l.date_naive();
            if l.hour() >= 19 && !weekend {
                day += Duration::days(1);
            }
            let day = next_workday(day);
            out = local(
                tz,
                day,
                self.rng.range(8, 9) as u32,
                self.rng.range(0, 59) as u32,
            );
        }
        let out = out + Duration::seconds(self.rng.range(0, 59));
        (out.with_timezone(&Utc) < window_end() && out > prev).then_some(out)
    }

    fn new_id(&mut self, ids: Ids, domain: &str, at: DateTime<FixedOffset>) -> String {
        self.id_seq += 1;
        let n = self.id_seq;
        match ids {
            Ids::Host => format!(
                "<{}.{n:05}{}@{domain}>",
                at.format("%Y%m%d%H%M%S"),
                self.rng.hex(8)
            ),
            Ids::Outlook => {
                let host = format!(
                    "{}{}PR{:02}MB{}",
                    self.rng
                        .pick(&["AM", "DB", "VI", "PA", "BY", "CH", "SJ", "TY"]),
                    self.rng.range(1, 9),
                    self.rng.range(1, 9),
                    self.rng.digits(4)
                );
                let region = self
                    .rng
                    .pick(&["eurprd04", "eurprd08", "namprd12", "namprd03", "apcprd06"]);
                format!(
                    "<{host}{}{n:04}@{host}.{region}.prod.outlook.com>",
                    self.rng.hex(24)
                )
            }
            Ids::Gmail => format!("<CA{}{n}@mail.gmail.com>", self.rng.alnum(44)),
            Ids::Foxmail => format!(
                "<{}{}{n:04}@{domain}>",
                at.format("%Y%m%d%H%M%S"),
                self.rng.digits(6)
            ),
            Ids::Qq => format!("<tencent_{}{n:04}@qq.com>", self.rng.hex(36)),
        }
    }

    fn push(&mut self, mut m: Mail) -> Mail {
        m.seq = self.mails.len();
        self.mails.push(m.clone());
        m
    }

    /// Sends a new message (the first of a thread) at `at`.
    fn send(&mut self, d: Draft, subject: &str, at: DateTime<FixedOffset>) -> Mail {
        self.send_custom(d, subject, at, |_| {})
    }

    /// Like [`Corpus::send`], with a last touch (HTML part, extra headers...) before it is filed.
    fn send_custom(
        &mut self,
        d: Draft,
        subject: &str,
        at: DateTime<FixedOffset>,
        edit: impl FnOnce(&mut Mail),
    ) -> Mail {
        let id = self.new_id(d.style.ids, d.from.domain(), at);
        let m = Mail {
            seq: 0,
            id: Some(id),
            date: at,
            from: d.from,
            reply_to: None,
            to: d.to,
            cc: d.cc,
            subject: subject.to_string(),
            in_reply_to: None,
            references: Vec::new(),
            text: d.text,
            style: d.style,
            html: None,
            html_only: false,
            attachments: d.attachments,
            report: None,
            extra_headers: Vec::new(),
        };
        let mut m = m;
        edit(&mut m);
        self.push(m)
    }

    /// Answers `prev` some `hours` later, quoting it; `None` past the window.
    fn answer(&mut self, prev: &Mail, d: Draft, hours: (i64, i64)) -> Option<Mail> {
        let at = self.later(prev.date, d.tz, hours)?;
        Some(self.answer_at(prev, d, at))
    }

    /// Answers `prev` at a given moment, quoting it.
    fn answer_at(&mut self, prev: &Mail, d: Draft, at: DateTime<FixedOffset>) -> Mail {
        let id = self.new_id(d.style.ids, d.from.domain(), at);
        let mut references = prev.references.clone();
        references.extend(prev.id.clone());
        let text = format!("{}{}", d.text, quote_block(prev, d.style.quote));
        let m = Mail {
            seq: 0,
            id: Some(id),
            date: at,
            from: d.from,
            reply_to: None,
            to: d.to,
            cc: d.cc,
            subject: reply_subject(&prev.subject, d.style.reply_prefix),
            in_reply_to: prev.id.clone(),
            references,
            text,
            style: d.style,
            html: None,
            html_only: false,
            attachments: d.attachments,
            report: None,
            extra_headers: Vec::new(),
        };
        self.push(m)
    }

    /// Order lines for a customer: `n` products from its categories, quantities by scale.
    fn lines(&mut self, c: &Customer, n: usize) -> Vec<Line> {
        let mut pool: Vec<&'static Product> = PRODUCTS
            .iter()
            .filter(|p| c.seed.categories.contains(&p.category))
            .collect();
        let mut out = Vec::new();
        while out.len() < n && !pool.is_empty() {
            let p = pool.remove(self.rng.below(pool.len() as u64) as usize);
            let multiple = match c.seed.scale {
                "large" => self.rng.range(3, 8),
                "medium" => self.rng.range(1, 4),
                _ => 1,
            } as u64;
            let qty = (p.moq * multiple).div_ceil(p.per_carton) * p.per_carton;
            let mut cents = p.cents * self.rng.range(96, 108) as u64 / 100;
            match c.currency {
                "EUR" => cents = cents * 92 / 100,
                "CNY" => cents = cents * 802 / 100,
                _ => {}
            }
            out.push(Line { p, qty, cents });
        }
        out
    }

    // -----------------------------------------------------------------------
    // The stories
    // -----------------------------------------------------------------------

    fn write_stories(&mut self) {
        for i in 0..self.customers.len() {
            let c = self.customers[i].clone();
            self.customer_story(&c);
        }
        self.holiday_greetings();
        self.hansa_complaint();
        self.guangming_complaint();
        self.service_requests();
        self.satisfaction_survey();
        self.dunning();
        self.internal_mail();
        self.supplier_mail();
        self.notifications();
        self.strangers();
        self.register_customers_gbk();
    }

    fn customer_story(&mut self, c: &Customer) {
        match c.seed.code {
            "DE-001" => return, // its shipment leads to the complaint, see hansa_complaint
            "TW-001" => return self.formosa_story(c),
            _ if c.is_domestic() => return self.domestic_story(c),
            _ => {}
        }
        match c.seed.stage {
            "market_research" => self.cold_outreach(c, false),
            "screening" => self.cold_outreach(c, true),
            "first_contact" => {
                let depth = self.rng.range(2, 3) as usize;
                self.inquiry_thread(c, depth);
            }
            "negotiation" => {
                let depth = self.rng.range(3, 4) as usize;
                self.inquiry_thread(c, depth);
            }
            "intent" => {
                let depth = self.rng.range(5, 6) as usize;
                self.inquiry_thread(c, depth);
            }
            "contract" => self.inquiry_thread(c, 8),
            _ => {
                if self.rng.chance(35) {
                    self.repeat_order(c);
                }
                if self.rng.chance(80) {
                    self.shipment_advice(c);
                }
            }
        }
    }

    /// The customer's first inquiry: subject and text, in the contact's language.
    fn inquiry_text(&mut self, c: &Customer, lines: &[Line]) -> (String, String) {
        let contact = c.contact(0);
        let p = lines[0].p;
        let req = lines_request(lines);
        let sales = first_name(c.owner);
        let sig = c.signature(0);
        let city = c.seed.city;
        let company = c.seed.name;
        let native = self.rng.chance(60);
        match contact.lang {
            "es" if native => (
                format!("Solicitud de cotización: {}", p.en),
                format!("Estimados señores:\n\nSomos {company}, distribuidores en {city}. Nos interesa recibir su mejor precio FOB Ningbo para los siguientes artículos:\n\n{req}\nPor favor indiquen también el pedido mínimo, plazo de entrega y condiciones de pago.\n\nSaludos cordiales,\n\n{sig}"),
            ),
            "pt" if native => (
                format!("Pedido de cotação - {}", p.en),
                format!("Prezados,\n\nSomos a {company}, importadora em {city}. Gostaríamos de receber cotação FOB Ningbo para os seguintes itens:\n\n{req}\nFavor informar também quantidade mínima, prazo de entrega e condições de pagamento.\n\nAtenciosamente,\n\n{sig}"),
            ),
            "de" if native => (
                format!("Anfrage: {} ({})", p.en, p.model),
                format!("Sehr geehrte Damen und Herren,\n\nwir sind {company} aus {city}. Bitte senden Sie uns Ihr bestes Angebot (FOB Ningbo) für folgende Artikel:\n\n{req}\nBitte nennen Sie auch Mindestmenge, Lieferzeit und Zahlungsbedingungen. Die Ware muss CE- und GS-konform sein.\n\nMit freundlichen Grüßen\n\n{sig}"),
            ),
            "fr" if native => (
                format!("Demande de prix : {}", p.en),
                format!("Bonjour,\n\nNous sommes {company}, basés à {city}. Pourriez-vous nous faire parvenir votre meilleure offre FOB Ningbo pour les articles suivants :\n\n{req}\nMerci de préciser également la quantité minimum, le délai de livraison et les conditions de paiement.\n\nCordialement,\n\n{sig}"),
            ),
            "zh" => (
                "詢價：小家電 SA-088 / SA-150".to_string(),
                format!("陳小姐您好：\n\n我們是香港的貿易公司，主要出口小家電到東南亞。請報以下產品的FOB寧波價格：\n\n1. SA-088 1.7公升不鏽鋼電熱水壺，數量 2000 台\n2. SA-150 手持攪拌棒，數量 1000 台\n\n請一併告知交貨期及付款方式，另外需要CE及GS證書。\n\n謝謝！\n\n{}\n{}\n{}\n電話：{}", contact.name, contact.title, company, c.phone),
            ),
            _ => match self.rng.below(3) {
                0 => (
                    format!("Inquiry: {}", p.en),
                    format!("Dear Sir/Madam,\n\nWe are {company}, based in {city}, {}. We found your company on {} and are interested in the following items:\n\n{req}\nPlease send us your best FOB Ningbo price, MOQ, lead time and payment terms. We would also like to receive a sample of {}.\n\n{}\n\n{sig}", c.country().name, source_phrase(c.seed.source), p.model, sign_off(&mut self.rng)),
                ),
                1 => (
                    format!("RFQ - {} for {}", c.seed.categories.join(" / "), company),
                    format!("Hello {sales},\n\nCould you please quote the items below for our {} program?\n\n{req}\nTarget delivery: {}. Packing: colour box, 5-layer export carton, our logo on the box.\n\nThanks and regards,\n\n{sig}", self.rng.pick(&["spring 2027", "autumn", "Q1 2027", "back-to-school"]), self.rng.pick(&["within 45 days", "before end of October", "January 2027", "ASAP"])),
                ),
                _ => (
                    format!("Request for quotation - {}", p.model),
                    format!("Hi {sales},\n\nHope you are doing well. We are planning a new range and need your prices for:\n\n{req}\nCan you print our logo on the product and the packaging? Please also send your latest catalogue.\n\n{}", short_sig(c, 0)),
                ),
            },
        }
    }

    /// Inquiry → quotation → counter-offer → revised offer → order (or letter of intent)
    /// → proforma invoice → deposit → production; `depth` says how far it got (§3 stages).
    fn inquiry_thread(&mut self, c: &Customer, depth: usize) {
        let owner = c.owner;
        let sales = staff(owner);
        let cust = c.addr(0);
        let cstyle = customer_style(c, 0);
        let sstyle = staff_style(owner);
        let sal = c.contact(0).salutation;
        let sname = first_name(owner);
        let cur = currency_label(c);
        let n = self.rng.range(1, 3) as usize;
        let mut lines = self.lines(c, n);
        let start = match depth {
            0..=3 => self.day(20, 170),
            4..=6 => self.day(5, 120),
            _ => self.day(0, 80),
        };
        let t0 = self.office(c.tz, start);
        let (subject, text) = self.inquiry_text(c, &lines);
        let m = self.send(
            Draft::new(cust.clone(), sales.clone(), text, cstyle, c.tz),
            &subject,
            t0,
        );

        // 2. Quotation.
        let valid = (m.date.date_naive() + Duration::days(30)).format("%B %-d, %Y");
        let with_list = self.rng.chance(40);
        let lead = self.rng.range(30, 45);
        let text = format!(
            "Dear {sal},\n\nThank you for your inquiry and your interest in our products. We are pleased to offer as follows:\n\n{}\nPrice terms: FOB Ningbo, valid until {valid}\nPayment: {}\nLead time: {lead}-{} days after deposit\nPacking: colour box, 5-layer export carton\n\n{}\n\nLooking forward to your reply.\n\n{}",
            lines_offer(&lines, cur),
            c.payment_terms,
            lead + 5,
            if with_list {
                "Please also find our complete price list attached."
            } else {
                "Samples can be sent by DHL within 3 days; the sample cost is refunded with the first order."
            },
            sales_sig(owner)
        );
        let code = c.seed.code;
        let date_tag = m.date.format("%Y%m%d").to_string();
        let d = Draft::new(sales.clone(), cust.clone(), text, sstyle, CHINA)
            .attach_if(with_list, || {
                xlsx(&format!("Seawind_Quotation_{code}_{date_tag}.xlsx"))
            });
        let Some(m) = self.answer(&m, d, (3, 30)) else {
            return;
        };
        if depth == 2 {
            if self.rng.chance(60) {
                let text = format!(
                    "Dear {sal},\n\nI hope this email finds you well. May I know if you have received our quotation below? If the prices do not fit your target, please let me know your target prices and we will do our best.\n\n{}",
                    sales_sig(owner)
                );
                let d = Draft::new(sales.clone(), cust.clone(), text, sstyle, CHINA);
                let _ = self.answer(&m, d, (120, 260));
            }
            return;
        }

        // 3. Counter-offer.
        let pct = self.rng.range(6, 12) as u64;
        let target = lines[0].cents * (100 - pct) / 100;
        let text = format!(
            "Hi {sname},\n\nThanks for the offer. Honestly your price for {} is about {pct}% higher than what we pay our current supplier. If you can do {cur} {}, we can place a trial order of {} pcs.\n\nAlso, could you accept {} for the first order?\n\n{}",
            lines[0].p.model,
            money(target),
            lines[0].qty,
            self.rng.pick(&["20% deposit instead of 30%", "L/C at sight", "payment against copy of B/L"]),
            short_sig(c, 0)
        );
        let d = Draft::new(cust.clone(), sales.clone(), text, cstyle, c.tz);
        let Some(m) = self.answer(&m, d, (10, 100)) else {
            return;
        };
        if depth == 3 {
            return;
        }

        // 4. Revised offer.
        let new_price = (lines[0].cents + target) / 2;
        lines[0].cents = new_price;
        let text = format!(
            "Dear {sal},\n\nWe discussed your request with our factory. For {} pcs we can accept {cur} {} for {}; this is really our bottom price, as steel and packaging costs went up again this quarter. The other prices remain unchanged.\n\nPayment: {}.\n\nPlease confirm so that we can book the production line.\n\n{}",
            lines[0].qty,
            money(new_price),
            lines[0].p.model,
            c.payment_terms,
            sales_sig(owner)
        );
        let d = Draft::new(sales.clone(), cust.clone(), text, sstyle, CHINA);
        let Some(m) = self.answer(&m, d, (4, 40)) else {
            return;
        };
        if depth == 4 {
            return;
        }

        // 5. Order, or a letter of intent for a framework agreement.
        if depth <= 6 {
            let text = format!(
                "Dear {sname},\n\nThank you. Our management has approved {}. Before the first order we would like to sign a framework agreement for 2027 (estimated volume {} pcs, prices fixed for six months). Could you send us a draft?\n\n{}",
                lines[0].p.model,
                lines[0].qty * 4,
                short_sig(c, 0)
            );
            let d = Draft::new(cust.clone(), sales.clone(), text, cstyle, c.tz);
            let Some(m) = self.answer(&m, d, (20, 120)) else {
                return;
            };
            if depth == 5 {
                return;
            }
            let text = format!(
                "Dear {sal},\n\nGreat news, thank you! Please find attached our draft framework agreement for 2027. Key points:\n\n- prices fixed for six months from signing, reviewed every half year\n- call-off orders from 1x20' container\n- payment {}\n- quality standard and AQL 2.5 inspection before shipment\n\nPlease send us your comments; we can also arrange a video call with our general manager, Mr. Liu Yang.\n\n{}",
                c.payment_terms,
                sales_sig(owner)
            );
            let d = Draft::new(sales.clone(), cust.clone(), text, sstyle, CHINA).attach(pdf(
                &format!("Framework_Agreement_2027_{code}_draft.pdf"),
                "Framework agreement draft",
            ));
            let _ = self.answer(&m, d, (4, 30));
            return;
        }
        let text = format!(
            "Dear {sname},\n\nOK, price accepted. Please send us the PI for:\n\n{}\nShipping marks and carton artwork will follow by separate mail.\n\n{}",
            lines_order(&lines, cur),
            short_sig(c, 0)
        );
        let d = Draft::new(cust.clone(), sales.clone(), text, cstyle, c.tz);
        let Some(m) = self.answer(&m, d, (20, 120)) else {
            return;
        };
        self.order_tail(c, &m, &lines);
    }

    /// PI (copied to finance) → the customer pays the deposit → production confirmed.
    fn order_tail(&mut self, c: &Customer, prev: &Mail, lines: &[Line]) {
        let owner = c.owner;
        let sales = staff(owner);
        let cust = c.addr(0);
        let sal = c.contact(0).salutation;
        let cur = currency_label(c);
        let pi = self.next_pi();
        let total = lines_total(lines);
        let deposit = total * 30 / 100;
        let etd =
            (prev.date.date_naive() + Duration::days(self.rng.range(35, 45))).format("%B %-d");
        let text = format!(
            "Dear {sal},\n\nThank you for your order! Please find attached Proforma Invoice {pi}:\n\n{}\nPlease arrange the 30% deposit of {cur} {} to:\n\n{BANK_DETAILS}\n\nProduction starts as soon as the deposit is received; estimated ETD {etd}. I copy our finance department for the payment follow-up.\n\n{}",
            lines_order(lines, cur),
            money(deposit),
            sales_sig(owner)
        );
        let d = Draft::new(sales.clone(), cust.clone(), text, staff_style(owner), CHINA)
            .cc(finance())
            .attach(pdf(&format!("{pi}.pdf"), &format!("Proforma Invoice {pi}")));
        let Some(m) = self.answer(prev, d, (2, 26)) else {
            return;
        };
        let signed = self.rng.chance(50);
        let text = format!(
            "Dear {},\n\nPI {pi} {}. We have transferred the deposit of {cur} {} today, please check.\n\n{}",
            first_name(owner),
            if signed { "signed and attached" } else { "is confirmed" },
            money(deposit),
            short_sig(c, 0)
        );
        let d = Draft::new(
            cust.clone(),
            sales.clone(),
            text,
            customer_style(c, 0),
            c.tz,
        )
        .attach_if(signed, || pdf(&format!("{pi}_signed.pdf"), "Signed PI"));
        let Some(m) = self.answer(&m, d, (20, 96)) else {
            return;
        };
        if self.rng.chance(30) {
            return;
        }
        let text = format!(
            "Dear {sal},\n\nWe confirm receipt of your deposit of {cur} {} for {pi}, thank you. Production has started and we expect to ship around {etd}. I will send you pre-shipment photos and the inspection report before loading.\n\n{}",
            money(deposit),
            sales_sig(owner)
        );
        let mut d = Draft::new(sales, cust, text, staff_style(owner), CHINA);
        if self.rng.chance(50) {
            d = d.cc(finance());
        }
        let _ = self.answer(&m, d, (20, 72));
    }

    /// An existing customer re-orders (§4 orders tracked through production).
    fn repeat_order(&mut self, c: &Customer) {
        let sales = staff(c.owner);
        let n = self.rng.range(1, 3) as usize;
        let lines = self.lines(c, n);
        let po = self.next_po();
        let cur = currency_label(c);
        let day = self.day(10, 160);
        let t0 = self.office(c.tz, day);
        let text = format!(
            "Hi {},\n\nPlease find below our {po}, same specifications and packing as the last order:\n\n{}\nPlease confirm the delivery date and send the PI.\n\n{}",
            first_name(c.owner),
            lines_order(&lines, cur),
            short_sig(c, 0)
        );
        let subject = format!(
            "{po} - repeat order {}",
            lines
                .iter()
                .map(|l| l.p.model)
                .collect::<Vec<_>>()
                .join(" / ")
        );
        let d = Draft::new(c.addr(0), sales, text, customer_style(c, 0), c.tz)
            .attach_if(self.rng.chance(50), || {
                pdf(&format!("{po}.pdf"), "Purchase order")
            });
        let m = self.send(d, &subject, t0);
        self.order_tail(c, &m, &lines);
    }

    /// Shipping advice with B/L, vessel and container, copied to finance for the balance.
    fn shipment_advice(&mut self, c: &Customer) {
        let owner = c.owner;
        let n = self.rng.range(1, 2) as usize;
        let lines = self.lines(c, n);
        let pi = self.next_pi();
        let inv_no = self.rng.range(300, 480);
        let inv = format!("INV-2026-{inv_no:04}");
        let cur = currency_label(c);
        let day = self.day(15, 170);
        let t0 = self.office(CHINA, day);
        let bl = format!("{}{}", self.rng.pick(BL_PREFIXES), self.rng.digits(10));
        let container = format!(
            "{}{}",
            self.rng.pick(CONTAINER_PREFIXES),
            self.rng.digits(7)
        );
        let vessel = *self.rng.pick(VESSELS);
        let etd = t0.date_naive() + Duration::days(self.rng.range(1, 3));
        let eta = etd + Duration::days(transit_days(c.seed.country) + self.rng.range(-2, 3));
        let cartons: u64 = lines.iter().map(|l| l.qty / l.p.per_carton).sum();
        let balance = lines_total(&lines) * 70 / 100;
        // The Gulf Star logistics coordinator receives shipping documents.
        let to = if c.seed.contacts.len() > 1 && c.seed.code == "AE-001" {
            1
        } else {
            0
        };
        let sal = c.contact(to).salutation;
        let docs = self.rng.chance(60);
        let text = format!(
            "Dear {sal},\n\nGood news: the goods under {pi} have been shipped.\n\nVessel/Voyage: {vessel}\nB/L No.: {bl}\nContainer: {container} (1x40'HQ), {cartons} cartons, seal no. {}\nPort of loading: Ningbo, China\nPort of discharge: {}\nETD: {}\nETA: {}\n\n{}The balance of {cur} {} is now due; we will telex-release the B/L as soon as the payment is received.\n\n{}",
            self.rng.digits(7),
            c.country().port,
            etd.format("%Y-%m-%d"),
            eta.format("%Y-%m-%d"),
            if docs {
                format!("Attached please find the commercial invoice {inv} and the packing list. ")
            } else {
                format!("Commercial invoice {inv} and packing list follow with the B/L copy. ")
            },
            money(balance),
            sales_sig(owner)
        );
        let mut d = Draft::new(staff(owner), c.addr(to), text, staff_style(owner), CHINA);
        if self.rng.chance(60) {
            d = d.cc(finance());
        }
        if docs {
            d = d
                .attach(pdf(
                    &format!("{inv}.pdf"),
                    &format!("Commercial invoice {inv}"),
                ))
                .attach(xlsx(&format!("Packing_List_{pi}.xlsx")));
        }
        let subject = format!("Shipping advice: {pi} / B/L {bl}");
        let m = self.send(d, &subject, t0);
        if self.rng.chance(65) {
            let text = format!(
                "Hi {},\n\n{}\n\n{}",
                first_name(owner),
                self.rng.pick(&[
                    "Well noted, thank you. We will arrange the balance payment this week.",
                    "Thanks for the documents. Payment of the balance will be made on Friday; please send the telex release once received.",
                    "Received with thanks. Please send the B/L draft for checking before issuing.",
                ]),
                short_sig(c, to)
            );
            let d = Draft::new(c.addr(to), staff(owner), text, customer_style(c, to), c.tz);
            let Some(m) = self.answer(&m, d, (6, 48)) else {
                return;
            };
            if self.rng.chance(40) {
                let text = format!(
                    "Hi {},\n\nJust to let you know that container {container} arrived and was unloaded today, everything in good condition. Thanks for the smooth handling!\n\n{}",
                    first_name(owner),
                    short_sig(c, to)
                );
                let d = Draft::new(c.addr(to), staff(owner), text, customer_style(c, to), c.tz);
                let _ = self.answer(
                    &m,
                    d,
                    (
                        transit_days(c.seed.country) * 24,
                        transit_days(c.seed.country) * 24 + 96,
                    ),
                );
            }
        }
    }

    /// Market research and screening: our salesperson writes first (§3 channels).
    fn cold_outreach(&mut self, c: &Customer, screening: bool) {
        let owner = c.owner;
        let sal = c.contact(0).salutation;
        let cat = c.seed.categories[0];
        let lines = self.lines(c, 2);
        let cur = currency_label(c);
        let day = self.day(10, 140);
        let t0 = self.office(CHINA, day);
        let best: String = lines
            .iter()
            .map(|l| {
                format!(
                    "- {} {}: from {cur} {}/pc\n",
                    l.p.model,
                    l.p.en,
                    money(l.cents)
                )
            })
            .collect();
        let text = format!(
            "Dear {sal},\n\nGood day! This is {} from {COMPANY_EN}. We have been exporting {} for 15 years to more than 40 countries, with BSCI-audited factories and our own QC team.\n\nOur best sellers for {} this season:\n{best}\nMay I send you our 2026 catalogue and some free samples?\n\n{}",
            first_name(owner),
            c.seed.categories.join(" and "),
            c.country().name,
            sales_sig(owner)
        );
        let subject = format!(
            "{} supplier from Ningbo - Seawind Import & Export",
            capitalise(cat)
        );
        let d = Draft::new(staff(owner), c.addr(0), text, staff_style(owner), CHINA);
        let m = self.send(d, &subject, t0);
        let text = format!(
            "Dear {sal},\n\nJust following up on my email below. Are you currently sourcing {cat}? We can also develop items to your design.\n\n{}",
            sales_sig(owner)
        );
        let d = Draft::new(staff(owner), c.addr(0), text, staff_style(owner), CHINA);
        let Some(m) = self.answer(&m, d, (150, 330)) else {
            return;
        };
        if c.do_not_contact {
            let text = if c.contact(0).lang == "es" {
                format!("Buenas tardes,\n\nNo nos interesa por el momento. Por favor, no nos envíen más correos.\n\nSaludos,\n{}", c.contact(0).name)
            } else {
                format!("Dear Sir,\n\nWe are not interested. Please remove our address from your mailing list and do not contact us again.\n\n{}", c.contact(0).name)
            };
            let d = Draft::new(c.addr(0), staff(owner), text, customer_style(c, 0), c.tz);
            let _ = self.answer(&m, d, (20, 100));
        } else if screening {
            let text = format!(
                "Hello {},\n\nThanks for your email. Please send your catalogue and price list for {cat}. We usually buy mixed 20' containers.\n\n{}",
                first_name(owner),
                short_sig(c, 0)
            );
            let d = Draft::new(c.addr(0), staff(owner), text, customer_style(c, 0), c.tz);
            let Some(m) = self.answer(&m, d, (20, 140)) else {
                return;
            };
            let text = format!(
                "Dear {sal},\n\nThank you for your reply! Attached is our 2026 catalogue for {cat}; prices are on the last pages. Mixed containers are no problem, the MOQ per item is one carton row.\n\n{}",
                sales_sig(owner)
            );
            let d =
                Draft::new(staff(owner), c.addr(0), text, staff_style(owner), CHINA).attach(pdf(
                    &format!("Seawind_Catalogue_2026_{}.pdf", cat.replace(' ', "_")),
                    "Seawind catalogue 2026",
                ));
            let _ = self.answer(&m, d, (2, 20));
        }
    }

    /// Domestic customers write Chinese (Foxmail, GB2312/GBK): 询价 → 报价 → 下单 → 合同与定金.
    fn domestic_story(&mut self, c: &Customer) {
        let owner = c.owner;
        let cust = c.addr(0);
        let me = staff_zh(owner);
        let cstyle = customer_style(c, 0);
        let sstyle = staff_style_zh(owner);
        let sal = c.contact(0).salutation;
        let contact = c.contact(0);
        let guangming = c.seed.code == "CN-003";
        let lines = if guangming {
            vec![Line {
                p: product("LD-610"),
                qty: 2000,
                cents: 7_680,
            }]
        } else {
            let n = self.rng.range(2, 3) as usize;
            self.lines(c, n)
        };
        let start = if guangming {
            ymd(8, 24)
        } else {
            self.day(10, 120)
        };
        let t0 = self.office(c.tz, start);
        let subject = format!("询价：{}等{}项", lines[0].p.zh, lines.len());
        let text = format!(
            "陈经理：\n\n您好！我司近期有一批订单，需要采购以下产品：\n\n{}\n请报含税价（含13%增值税，送到我司仓库），并告知交期和付款方式。\n\n谢谢！\n\n{}\n{}\n{}\n电话：{}",
            lines_zh(&lines),
            contact.name,
            contact.title,
            c.seed.name,
            c.phone
        );
        let m = self.send(
            Draft::new(cust.clone(), me.clone(), text, cstyle, c.tz),
            &subject,
            t0,
        );
        let text = format!(
            "{sal}：\n\n您好！感谢询价，报价如下（含13%增值税，送货上门）：\n\n{}\n交期：收到定金后25天左右\n付款方式：30%定金，余款发货前付清\n报价有效期：30天\n\n如有问题请随时联系。\n\n{}",
            lines_offer_zh(&lines),
            sig_zh(owner)
        );
        let Some(m) = self.answer(
            &m,
            Draft::new(me.clone(), cust.clone(), text, sstyle, CHINA),
            (2, 28),
        ) else {
            return;
        };
        let text = format!(
            "陈经理：\n\n价格可以接受，请按报价准备合同，数量不变。合同盖章后发我，定金收到合同后三个工作日内安排。\n\n{}",
            contact.name
        );
        let Some(m) = self.answer(
            &m,
            Draft::new(cust.clone(), me.clone(), text, cstyle, c.tz),
            (20, 120),
        ) else {
            return;
        };
        let contract = if guangming {
            GUANGMING_CONTRACT.to_string()
        } else {
            format!("SW-DS-2026-{:04}", self.rng.range(40, 160))
        };
        let deposit = lines_total(&lines) * 30 / 100;
        let ship = (m.date.date_naive() + Duration::days(25)).format("%-m月%-d日");
        let text = format!(
            "{sal}：\n\n合同（编号{contract}）已盖章，扫描件见附件，请查收。定金{}元收到后我们马上安排生产，预计{ship}左右发货。\n\n财务同事已抄送，定金到账后会另行确认。\n\n{}",
            money(deposit),
            sig_zh(owner)
        );
        let d = Draft::new(me, cust, text, sstyle, CHINA)
            .cc(finance())
            .attach(pdf(&format!("合同{contract}.pdf"), "Contract"));
        let _ = self.answer(&m, d, (2, 30));
    }

    /// Formosa Lighting writes traditional Chinese in Big5 (Outlook in Taiwan).
    fn formosa_story(&mut self, c: &Customer) {
        let cust = c.addr(0);
        let me = staff_zh(CHEN_JING);
        let t0 = self.office(c.tz, ymd(7, 6));
        let text = format!(
            "陳小姐您好：\n\n我們明年的工程案需要以下LED燈具，請報FOB寧波價格：\n\n1. LD-610 LED平板燈 600x600 40W，數量 1200 片\n2. LD-880 LED投光燈 100W IP65，數量 600 台\n\n請附上CNS及CE測試報告，並告知交貨期。\n\n謝謝！\n\n林志明\n採購經理\n福爾摩沙照明有限公司\n電話：{}",
            c.phone
        );
        let m = self.send(
            Draft::new(cust.clone(), me.clone(), text, BIG5_OUTLOOK, c.tz),
            "詢價：LED平板燈及投光燈",
            t0,
        );
        let text = format!(
            "林经理您好：\n\n感谢询价！报价如下（FOB宁波，美元）：\n\n1. LD-610 LED面板灯 600x600 40W：USD 9.65/片，1200片\n2. LD-880 LED投光灯 100W IP65：USD 8.40/台，600台\n\nCE测试报告见附件，CNS认证我们工厂可以配合申请，大约需要六周。交期：定金到后35天。\n\n{}",
            sig_zh(CHEN_JING)
        );
        let d = Draft::new(me.clone(), cust.clone(), text, STAFF_WEBMAIL_ZH, CHINA)
            .attach(pdf("LD-610_CE_Report.pdf", "CE test report"));
        let Some(m) = self.answer(&m, d, (2, 20)) else {
            return;
        };
        let text = "陳小姐：\n\n價格可以接受，請開PI，數量照報價單。CNS認證的費用請一併報價。訂金下週一匯出。\n\n林志明".to_string();
        let Some(m) = self.answer(
            &m,
            Draft::new(cust.clone(), me.clone(), text, BIG5_OUTLOOK, c.tz),
            (30, 100),
        ) else {
            return;
        };
        let lines = vec![
            Line {
                p: product("LD-610"),
                qty: 1200,
                cents: 965,
            },
            Line {
                p: product("LD-880"),
                qty: 600,
                cents: 840,
            },
        ];
        self.order_tail(c, &m, &lines);
    }

    /// Mid-Autumn / National Day notices, Thanksgiving, Christmas and CNY schedules (§4 节日关怀).
    fn holiday_greetings(&mut self) {
        let customers = self.customers.clone();
        for c in customers
            .iter()
            .filter(|c| matches!(c.seed.stage, "active" | "contract") && !c.do_not_contact)
        {
            let owner = c.owner;
            if c.is_domestic() {
                if !c.seed.domains.is_empty() {
                    let t = self.office(CHINA, ymd(9, 24));
                    let text = format!(
                        "{}：\n\n中秋佳节将至，感谢您一直以来对我们工作的支持！祝您和家人中秋快乐，阖家幸福！\n\n另：我司国庆期间（10月1日至7日）放假，期间如有急事请直接打我手机。\n\n{}",
                        c.contact(0).salutation,
                        sig_zh(owner)
                    );
                    let d = Draft::new(
                        staff_zh(owner),
                        c.addr(0),
                        text,
                        staff_style_zh(owner),
                        CHINA,
                    );
                    let m = self.send(d, "中秋节快乐！", t);
                    if self.rng.chance(60) {
                        let text = format!(
                            "陈经理：\n\n谢谢！也祝您中秋快乐，节后再联系。\n\n{}",
                            c.contact(0).name
                        );
                        let d = Draft::new(
                            c.addr(0),
                            staff_zh(owner),
                            text,
                            customer_style(c, 0),
                            c.tz,
                        );
                        let _ = self.answer(&m, d, (1, 20));
                    }
                }
                continue;
            }
            if self.rng.chance(40) {
                let day = ymd(9, self.rng.range(21, 23) as u32);
                let t = self.office(CHINA, day);
                let text = format!(
                    "Dear {},\n\nPlease be informed that our office will be closed for the Mid-Autumn Festival on September 25 and for China's National Day from October 1 to October 7. We will be back on October 8.\n\nOrders confirmed before September 28 will still be loaded as planned. During the holiday you can reach me on WhatsApp/WeChat for urgent matters.\n\nHappy Mid-Autumn Festival to you and your family!\n\n{}",
                    c.contact(0).salutation,
                    sales_sig(owner)
                );
                let d = Draft::new(staff(owner), c.addr(0), text, staff_style(owner), CHINA);
                let m = self.send(
                    d,
                    "Holiday notice: Mid-Autumn Festival & National Day (Oct 1-7)",
                    t,
                );
                if self.rng.chance(25) {
                    let text = format!(
                        "Hi {},\n\nThanks for letting us know. Enjoy the holidays and happy Mid-Autumn Festival to the whole Seawind team!\n\n{}",
                        first_name(owner),
                        short_sig(c, 0)
                    );
                    let d = Draft::new(c.addr(0), staff(owner), text, customer_style(c, 0), c.tz);
                    let _ = self.answer(&m, d, (2, 30));
                }
            }
            if c.seed.country == "US" {
                let t = local(CHINA, ymd(11, 25), 16, self.rng.range(0, 59) as u32);
                let text = format!(
                    "Dear {},\n\nOn behalf of everyone at Seawind, Happy Thanksgiving to you, your family and your team! Thank you for your trust and cooperation this year.\n\n{}",
                    c.contact(0).salutation,
                    sales_sig(owner)
                );
                let d = Draft::new(staff(owner), c.addr(0), text, staff_style(owner), CHINA);
                let m = self.send(d, "Happy Thanksgiving!", t);
                // Answered from the phone on Thanksgiving morning: still unread on the 28th.
                let text = format!(
                    "Thank you {}, very kind! Happy Thanksgiving to you too. Talk next week about the spring orders.\n\n{}\n\nSent from my iPhone",
                    first_name(owner),
                    c.contact(0).name
                );
                let d = Draft::new(c.addr(0), staff(owner), text, customer_style(c, 0), c.tz);
                let at = local(c.tz, ymd(11, 26), 9, self.rng.range(0, 59) as u32);
                self.answer_at(&m, d, at);
            } else if owner != CHEN_JING && self.rng.chance(35) {
                let day = ymd(11, self.rng.range(19, 26) as u32);
                let t = self.office(CHINA, day);
                let text = format!(
                    "Dear {},\n\nAs the year comes to an end, we would like to thank you for your support and wish you a Merry Christmas and a Happy New Year!\n\nPlease note our schedule around Chinese New Year 2027 (February 6): most factories close from about January 28 to February 20. To ship before the holiday, please confirm new orders by December 15; orders confirmed later will be produced after the holiday.\n\n{}",
                    c.contact(0).salutation,
                    sales_sig(owner)
                );
                let d = Draft::new(staff(owner), c.addr(0), text, staff_style(owner), CHINA);
                self.send(
                    d,
                    "Season's Greetings and our Chinese New Year 2027 schedule",
                    t,
                );
            }
        }
        // Diwali greetings from India, answered.
        let c = self.customer("IN-001");
        let t = local(c.tz, ymd(11, 8), 10, 12);
        let text = format!(
            "Dear Chen Jing,\n\nWishing you and your family a very Happy Diwali! May the festival of lights bring you joy and prosperity.\n\nWe look forward to growing our business together in the coming year.\n\n{}",
            short_sig(&c, 0)
        );
        let m = self.send(
            Draft::new(
                c.addr(0),
                staff(CHEN_JING),
                text,
                customer_style(&c, 0),
                c.tz,
            ),
            "Happy Diwali!",
            t,
        );
        let text = format!(
            "Dear Mr. Kumar,\n\nThank you very much! Happy Diwali to you and everyone at Bharat Hardware. We are glad to work with you and wish you a prosperous new year.\n\n{}",
            sales_sig(CHEN_JING)
        );
        let _ = self.answer(
            &m,
            Draft::new(
                staff(CHEN_JING),
                c.addr(0),
                text,
                staff_style(CHEN_JING),
                CHINA,
            ),
            (20, 30),
        );
    }

    /// A German customer's complaint about crushed cartons (§6), handled by service.
    fn hansa_complaint(&mut self) {
        let c = self.customer("DE-001");
        let klaus = c.addr(0);
        let de = customer_style(&c, 0);
        let lines = vec![
            Line {
                p: product("HT-2041"),
                qty: 4800,
                cents: 214,
            },
            Line {
                p: product("HT-3310"),
                qty: 6000,
                cents: 149,
            },
        ];
        // The shipping advice, copied to finance.
        let t0 = local(CHINA, ymd(9, 16), 10, 20);
        let text = format!(
            "Dear Mr. Becker,\n\nGood news: the goods under {HANSA_PI} have been shipped.\n\nVessel/Voyage: MSC ANNA V.2437W\nB/L No.: {HANSA_BL}\nContainer: {HANSA_CONTAINER} (1x40'HQ), 300 cartons\nPort of loading: Ningbo, China\nPort of discharge: Hamburg\nETD: 2026-09-18\nETA: 2026-10-24\n\n{}\nAttached please find the commercial invoice and the packing list. The balance of EUR {} is due 30 days after B/L date.\n\n{}",
            lines_order(&lines, "EUR"),
            money(lines_total(&lines) * 70 / 100),
            sales_sig(LI_WEI)
        );
        let d = Draft::new(
            staff(LI_WEI),
            klaus.clone(),
            text,
            staff_style(LI_WEI),
            CHINA,
        )
        .cc(finance())
        .attach(pdf("INV-2026-0388.pdf", "Commercial invoice INV-2026-0388"))
        .attach(xlsx(&format!("Packing_List_{HANSA_PI}.xlsx")));
        let m = self.send(
            d,
            &format!("Shipping advice: {HANSA_PI} / B/L {HANSA_BL}"),
            t0,
        );
        let text =
            "Dear Li Wei,\n\nthank you, well received.\n\nMit freundlichen Grüßen\nKlaus Becker"
                .to_string();
        let _ = self.answer(
            &m,
            Draft::new(klaus.clone(), staff(LI_WEI), text, de, c.tz),
            (4, 20),
        );

        // The complaint, to the service mailbox with the salesperson copied.
        let t1 = local(c.tz, ymd(10, 27), 9, 42);
        let text = format!(
            "Dear Sir or Madam,\n\nWe received container {HANSA_CONTAINER} ({HANSA_PI}) yesterday. We received 300 cartons, 42 were crushed and the goods damaged: claw hammers with broken fibreglass handles and bent pliers. Photos and the survey report of our forwarder are attached.\n\nThe packaging obviously did not meet our requirements (5-layer export cartons, max. 18 kg per carton, corner protectors), so we claim compensation for the damaged goods, EUR 3,864.00, to be credited against our next order, and we expect your proposal how to avoid this in future shipments.\n\nPlease reply by Friday.\n\nMit freundlichen Grüßen / Kind regards\n\n{}",
            c.signature(0)
        );
        let d = Draft::new(klaus.clone(), service(), text, de, c.tz)
            .cc(staff(LI_WEI))
            .attach(jpeg("IMG_20261026_1432.jpg"))
            .attach(jpeg("IMG_20261026_1437.jpg"))
            .attach(pdf(
                &format!("Schadensbericht_{HANSA_CONTAINER}.pdf"),
                "Survey report",
            ));
        let m = self.send(
            d,
            &format!("Complaint: damaged cartons - {HANSA_PI} / container {HANSA_CONTAINER}"),
            t1,
        );
        let text = format!(
            "Dear Mr. Becker,\n\nThank you for your email and the photos, and please accept our apologies for the trouble. We have registered your complaint under CS-2026-1031 and started an investigation with the packing factory and the forwarder.\n\nCould you please tell us whether the container seal was intact on arrival and whether the damaged cartons were all in the door area? This helps us to find out whether the damage happened during stuffing or in transit.\n\nWe will come back with a proposal before Friday.\n\n{}",
            sig_en(WANG_FANG, &format!("service@{DOMAIN}"))
        );
        let ws = Addr::new(
            "Wang Fang | Seawind Customer Service",
            &format!("service@{DOMAIN}"),
        );
        let d = Draft::new(
            ws.clone(),
            klaus.clone(),
            text,
            staff_style(WANG_FANG),
            CHINA,
        )
        .cc(staff(LI_WEI));
        let Some(m) = self.answer(&m, d, (3, 10)) else {
            return;
        };
        let text = "Dear Ms. Wang,\n\nthe seal was intact (no. 4471920). Most of the damaged cartons were in the lower rows at the back of the container; the cartons look too weak for the weight.\n\nMit freundlichen Grüßen\nKlaus Becker".to_string();
        let d = Draft::new(klaus.clone(), ws.clone(), text, de, c.tz).cc(staff(LI_WEI));
        let Some(m) = self.answer(&m, d, (16, 30)) else {
            return;
        };
        let text = format!(
            "Dear Mr. Becker,\n\nWe checked with the factory: for this order the cartons were 3-layer instead of the agreed 5-layer, our mistake. Our proposal:\n\n1. A credit note of EUR 3,864.00, deducted from your next order.\n2. From now on 5-layer cartons, max. 16 kg per carton, corner protectors and photos of the stuffing sent to you before sealing.\n3. Our QC will check the cartons at every pre-shipment inspection.\n\nSorry again for the inconvenience. Please confirm whether this is acceptable.\n\n{}",
            sales_sig(LI_WEI)
        );
        let d = Draft::new(
            staff(LI_WEI),
            klaus.clone(),
            text,
            staff_style(LI_WEI),
            CHINA,
        )
        .cc(service());
        let Some(m) = self.answer(&m, d, (20, 48)) else {
            return;
        };
        let text = "Dear Li Wei,\n\nagreed, thank you for the quick handling. Please send the credit note to our accounting (Ms. Schulz).\n\nMit freundlichen Grüßen\nKlaus Becker".to_string();
        let d = Draft::new(klaus, staff(LI_WEI), text, de, c.tz)
            .cc(service())
            .cc(c.addr(1));
        let _ = self.answer(&m, d, (4, 30));
    }

    /// A domestic customer's quality complaint in Chinese (GBK), to the service mailbox.
    fn guangming_complaint(&mut self) {
        let c = self.customer("CN-003");
        let zhou = c.addr(0);
        let style = customer_style(&c, 0);
        let t0 = local(CHINA, ymd(11, 9), 10, 15);
        let text = format!(
            "海风公司客服部：\n\n我司于10月12日收到贵司发来的LD-610 LED面板灯2000台（合同号{GUANGMING_CONTRACT}）。安装使用不到两周，已有146台出现频闪、不亮等质量问题，部分驱动电源有烧焦痕迹，已严重影响我司工程项目进度，终端客户也已向我司投诉。\n\n现要求：\n1. 对全部有问题的产品办理退货，并补发合格产品；\n2. 赔偿我司因返工产生的人工及运输费用共计人民币18,600元；\n3. 请在3个工作日内给予书面答复。\n\n问题产品照片及检测记录见附件。\n\n周明\n采购主管\n{}\n电话：{}",
            c.seed.name, c.phone
        );
        let d = Draft::new(zhou.clone(), service(), text, style, CHINA)
            .cc(staff_zh(CHEN_JING))
            .attach(pdf("质量问题照片及检测记录.pdf", "Defect photos"));
        let m = self.send(
            d,
            &format!("关于LD-610面板灯质量问题的投诉（合同号{GUANGMING_CONTRACT}）"),
            t0,
        );
        let wf = Addr::new("王芳", &format!("service@{DOMAIN}"));
        let text = format!(
            "周经理您好：\n\n非常抱歉给贵司带来的不便！您的投诉我们已登记（投诉编号CS-2026-1109），并已通知质检部和供应商工厂调查原因。初步判断为同一批次驱动电源元件不良。\n\n处理方案如下：\n1. 146台问题产品全部退货，我司承担来回运费；\n2. 补发150台合格产品（多发4台备用），本周五前发出；\n3. 返工费用我们需要核实，请提供费用明细，我们会在收到后两个工作日内答复。\n\n再次向贵司致歉。\n\n王芳\n客服主管\n{COMPANY_ZH}\n电话：0574-8765 4321"
        );
        let d =
            Draft::new(wf.clone(), zhou.clone(), text, OUTLOOK_CN, CHINA).cc(staff_zh(CHEN_JING));
        let Some(m) = self.answer(&m, d, (3, 8)) else {
            return;
        };
        let text = "王经理：\n\n处理方案基本同意，请尽快安排补发。返工费用明细见附件，共18,600元，请贵司确认。\n\n周明".to_string();
        let d = Draft::new(zhou.clone(), wf.clone(), text, style, CHINA)
            .cc(staff_zh(CHEN_JING))
            .attach(xlsx("返工费用明细.xlsx"));
        let Some(m) = self.answer(&m, d, (18, 30)) else {
            return;
        };
        let text = format!(
            "周经理您好：\n\n补发的150台已于今天发出，顺丰单号SF1402 8876 5521。返工费用经核实，同意赔偿人民币15,000元，将从下次货款中扣除，或者直接汇款，请您选择。\n\n王芳\n客服主管\n{COMPANY_ZH}"
        );
        let d = Draft::new(wf, zhou, text, OUTLOOK_CN, CHINA)
            .cc(staff_zh(CHEN_JING))
            .cc(finance());
        let _ = self.answer(&m, d, (40, 80));
    }

    /// After-sales questions to the service mailbox (§4, §6).
    fn service_requests(&mut self) {
        let ws = Addr::new(
            "Wang Fang | Seawind Customer Service",
            &format!("service@{DOMAIN}"),
        );
        let service_sig = sig_en(WANG_FANG, &format!("service@{DOMAIN}"));

        // A warranty claim from Canada, the salesperson copied.
        let c = self.customer("CA-001");
        let t = local(c.tz, ymd(8, 11), 11, 5);
        let text = format!(
            "Hello,\n\nWe have received 12 returns of the SA-150 hand blender (our PO-4418, delivered in June) from our retail customers: the motor stops after a few seconds of use. Please advise how to proceed; we would like replacement units or a credit.\n\nBatch number on the label: 2604-B.\n\n{}",
            short_sig(&c, 0)
        );
        let d = Draft::new(c.addr(0), service(), text, customer_style(&c, 0), c.tz)
            .cc(staff(ZHANG_MIN));
        let m = self.send(
            d,
            "Warranty claim: SA-150 hand blenders, 12 units defective",
            t,
        );
        let text = format!(
            "Dear Étienne,\n\nThank you for letting us know. We registered the claim as CS-2026-0811. Could you send us a short video of one defective unit and a photo of the rating label? If the fault is confirmed we will send 12 replacement units with your next shipment, free of charge.\n\n{service_sig}"
        );
        let d = Draft::new(ws.clone(), c.addr(0), text, staff_style(WANG_FANG), CHINA)
            .cc(staff(ZHANG_MIN));
        if let Some(m) = self.answer(&m, d, (12, 30)) {
            let text = format!(
                "Hi Wang Fang,\n\nPhotos attached, video follows by WeTransfer.\n\n{}",
                short_sig(&c, 0)
            );
            let d = Draft::new(c.addr(0), ws.clone(), text, customer_style(&c, 0), c.tz)
                .cc(staff(ZHANG_MIN))
                .attach(jpeg("SA150_label.jpg"));
            let _ = self.answer(&m, d, (5, 30));
        }

        // Spare parts for Dubai.
        let c = self.customer("AE-001");
        let t = local(c.tz, ymd(9, 2), 10, 30);
        let text = format!(
            "Dear Sir/Madam,\n\nWe need 200 spare thermostatic cartridges for the BF-220 shower mixer (supplied 2025). Please quote the price and tell us if they can be shipped with our next container.\n\n{}",
            short_sig(&c, 1)
        );
        let m = self.send(
            Draft::new(c.addr(1), service(), text, customer_style(&c, 1), c.tz),
            "Spare cartridges for BF-220 thermostatic mixer",
            t,
        );
        let text = format!(
            "Dear Faisal,\n\nThe BF-220 cartridge (part no. BF-220-C35) is USD 3.80/pc; 200 pcs can be packed with your next container. I copy Chen Jing to add them to the PI.\n\n{service_sig}"
        );
        let d = Draft::new(ws, c.addr(1), text, staff_style(WANG_FANG), CHINA).cc(staff(CHEN_JING));
        let _ = self.answer(&m, d, (10, 30));
    }

    /// The yearly satisfaction survey (§4: satisfaction asked regularly).
    fn satisfaction_survey(&mut self) {
        let ws = Addr::new(
            "Wang Fang | Seawind Customer Service",
            &format!("service@{DOMAIN}"),
        );
        for (i, code) in ["ES-001", "GB-001", "US-001", "BR-001", "JP-001", "ZA-001"]
            .iter()
            .enumerate()
        {
            let c = self.customer(code);
            let t = local(CHINA, ymd(10, 20), 9, 10 + i as u32 * 3);
            let text = format!(
                "Dear {},\n\nThank you for working with Ningbo Seawind this year. To serve you better, we would be grateful if you could rate us from 1 (poor) to 5 (excellent) on:\n\n1. Product quality\n2. Delivery time\n3. Communication and response speed\n4. After-sales service\n\nand tell us anything we should improve. Simply reply to this email.\n\n{}",
                c.contact(0).salutation,
                sig_en(WANG_FANG, &format!("service@{DOMAIN}"))
            );
            let d = Draft::new(ws.clone(), c.addr(0), text, staff_style(WANG_FANG), CHINA);
            let m = self.send(d, "Customer satisfaction survey 2026 - Ningbo Seawind", t);
            if i % 3 == 0 {
                let text = format!(
                    "Hello,\n\n1. Quality: 4\n2. Delivery: 3 - the last two orders were a week late\n3. Communication: 5, {} is always quick\n4. After-sales: 4\n\nPlease keep us informed earlier when there are delays.\n\n{}",
                    first_name(c.owner),
                    short_sig(&c, 0)
                );
                let d = Draft::new(c.addr(0), ws.clone(), text, customer_style(&c, 0), c.tz);
                let _ = self.answer(&m, d, (20, 100));
            }
        }
    }

    /// Finance chases receivables (§5): reminders by days overdue and the answers.
    fn dunning(&mut self) {
        let zl = Addr::new("Zhao Lei | Seawind Finance", &format!("finance@{DOMAIN}"));
        let fsig = sig_en(ZHAO_LEI, &format!("finance@{DOMAIN}"));
        let fstyle = staff_style(ZHAO_LEI);

        // Pacific Coast: reminder 15 days overdue, the customer pays and sends the bank slip.
        let c = self.customer("US-002");
        let t = local(CHINA, ymd(11, 12), 9, 35);
        let text = format!(
            "Dear Linda,\n\nAccording to our records, the following invoice is overdue:\n\nInvoice: INV-2026-0412 (PI-SW2026-0702)\nAmount: USD 18,460.00\nDue date: 2026-10-28\nDays overdue: 15\n\nWe would appreciate it if you could arrange the payment at your earliest convenience and send us the bank slip. If the payment has already been made, please disregard this reminder.\n\n{BANK_DETAILS}\n\n{fsig}"
        );
        let d = Draft::new(zl.clone(), c.addr(1), text, fstyle, CHINA).cc(staff(ZHANG_MIN));
        let m = self.send(
            d,
            "Payment reminder: Invoice INV-2026-0412 overdue 15 days",
            t,
        );
        let text = format!(
            "Hi Zhao Lei,\n\nSorry for the delay, the invoice was stuck in our approval system. We have arranged the payment of USD 18,460.00 today, please find attached the bank slip.\n\n{}",
            short_sig(&c, 1)
        );
        let d = Draft::new(c.addr(1), zl.clone(), text, customer_style(&c, 1), c.tz)
            .cc(staff(ZHANG_MIN))
            .attach(pdf(
                "Bank_Slip_INV-2026-0412.pdf",
                "Wire transfer confirmation",
            ));
        if let Some(m) = self.answer(&m, d, (8, 20)) {
            let text = format!(
                "Dear Linda,\n\nWe have received USD 18,460.00 today, invoice INV-2026-0412 is settled. Thank you!\n\n{fsig}"
            );
            let d = Draft::new(zl.clone(), c.addr(1), text, fstyle, CHINA).cc(staff(ZHANG_MIN));
            let _ = self.answer(&m, d, (60, 96));
        }

        // Lagos: 15 days, then 45 days and shipment on hold (§5 risk watch).
        let c = self.customer("NG-001");
        let t = local(CHINA, ymd(10, 1), 10, 5);
        let text = format!(
            "Dear Mr. Okafor,\n\nThis is a friendly reminder that invoice INV-2026-0358 (USD 26,740.00, due 2026-09-16) is now 15 days overdue. Please arrange the payment and send us the bank slip.\n\n{fsig}"
        );
        let d = Draft::new(zl.clone(), c.addr(0), text, fstyle, CHINA).cc(staff(CHEN_JING));
        self.send(
            d,
            "Payment reminder: Invoice INV-2026-0358 overdue 15 days",
            t,
        );
        let text = format!(
            "Dear Mr. Okafor,\n\nWe have not received any payment or reply regarding invoice INV-2026-0358 (USD 26,740.00), now 45 days overdue. In line with our credit policy, the shipment of PI-SW2026-0761 is on hold until the invoice is settled.\n\nPlease let us know by return when the payment will be made.\n\n{fsig}"
        );
        let d = Draft::new(zl.clone(), c.addr(0), text, fstyle, CHINA).cc(staff(CHEN_JING));
        let t = local(CHINA, ymd(10, 31), 9, 50);
        let second = self.send(
            d,
            "Second reminder: Invoice INV-2026-0358 overdue 45 days - shipment on hold",
            t,
        );
        let text = format!(
            "Dear Zhao Lei,\n\nApologies for the delay. We are facing a serious FX shortage at our bank. We will transfer USD 10,000 this week and the balance before the end of November. Kindly release the shipment after the first payment.\n\n{}",
            short_sig(&c, 0)
        );
        let d = Draft::new(c.addr(0), zl.clone(), text, customer_style(&c, 0), c.tz)
            .cc(staff(CHEN_JING));
        if let Some(m) = self.answer(&second, d, (30, 60)) {
            let text = format!(
                "Dear Mr. Okafor,\n\nThank you for your reply. We will release the shipment once the full outstanding amount is received; a partial payment is welcome and will be confirmed at once.\n\n{fsig}"
            );
            let d = Draft::new(zl.clone(), c.addr(0), text, fstyle, CHINA)
                .cc(staff(CHEN_JING))
                .cc(staff(LIU_YANG));
            let _ = self.answer(&m, d, (4, 30));
        }

        // Friendly reminder before the due date; nobody answers.
        let c = self.customer("IN-001");
        let t = local(CHINA, ymd(11, 13), 14, 20);
        let text = format!(
            "Dear Mr. Kumar,\n\nKindly note that invoice INV-2026-0377 (USD 31,215.50) falls due on 2026-11-20. We would appreciate your payment on time.\n\n{fsig}"
        );
        let d = Draft::new(zl.clone(), c.addr(0), text, fstyle, CHINA).cc(staff(CHEN_JING));
        self.send(
            d,
            "Friendly reminder: Invoice INV-2026-0377 due on 2026-11-20",
            t,
        );

        // Final notice before legal steps (§5: letter, visit, lawsuit).
        let c = self.customer("TR-001");
        let t = local(CHINA, ymd(11, 19), 10, 0);
        let text = format!(
            "Dear Mr. Yılmaz,\n\nDespite our reminders of October 5 and October 25, invoice INV-2026-0329 (USD 12,880.00, due 2026-09-20) remains unpaid, now 60 days overdue.\n\nPlease settle the amount within 7 days. Otherwise we will have to pass the matter to our legal representative and suspend all deliveries.\n\n{fsig}"
        );
        let d = Draft::new(zl.clone(), c.addr(0), text, fstyle, CHINA).cc(staff(LI_WEI));
        self.send(d, "FINAL NOTICE: Invoice INV-2026-0329 overdue 60 days", t);

        // Domestic: 付款提醒 and the answer with the bank receipt.
        let c = self.customer("CN-001");
        let t = local(CHINA, ymd(10, 22), 15, 30);
        let text = format!(
            "刘会计您好：\n\n贵司以下发票已逾期，请安排付款：\n\n发票号：INV-2026-0391\n金额：人民币86,420.00元\n到期日：2026年10月2日\n逾期天数：20天\n\n如已付款请忽略本邮件，并将银行回单发给我们，谢谢！\n\n赵磊\n财务部\n{COMPANY_ZH}\n电话：0574-8765 4321"
        );
        let d = Draft::new(
            Addr::new("赵磊", &format!("finance@{DOMAIN}")),
            c.addr(1),
            text,
            STAFF_WEBMAIL_ZH,
            CHINA,
        )
        .cc(staff_zh(CHEN_JING));
        let m = self.send(d, "付款提醒：发票INV-2026-0391已逾期20天", t);
        let text = "赵会计：\n\n不好意思，月底资金比较紧张，耽误了。已于今天安排付款86,420.00元，银行回单见附件，请查收。\n\n刘丽\n财务部\n上海恒通贸易有限公司".to_string();
        let d = Draft::new(
            c.addr(1),
            Addr::new("赵磊", &format!("finance@{DOMAIN}")),
            text,
            customer_style(&c, 1),
            CHINA,
        )
        .cc(staff_zh(CHEN_JING))
        .attach(pdf("银行回单.pdf", "Bank receipt"));
        let _ = self.answer(&m, d, (18, 30));

        // A reminder to a contact who has left: the mail bounces (§2: keep records current).
        let t = local(CHINA, ymd(11, 3), 9, 12);
        let old = Addr::new("Andrés García", "a.garcia@importadoraandes.cl");
        let text = format!(
            "Dear Mr. García,\n\nKindly note that invoice INV-2026-0402 (USD 9,310.00) is due on 2026-11-10.\n\n{fsig}"
        );
        let m = self.send(
            Draft::new(zl, old, text, fstyle, CHINA),
            "Friendly reminder: Invoice INV-2026-0402 due on 2026-11-10",
            t,
        );
        self.bounce(&m);
    }

    /// The mail server's non-delivery report for `original`.
    fn bounce(&mut self, original: &Mail) {
        let at = original.date + Duration::seconds(14);
        let rcpt = original.to[0].email.clone();
        let text = format!(
            "This is the mail system at host mx1.{DOMAIN}.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\n<{rcpt}>: host mx.importadoraandes.cl[200.73.112.9] said: 550 5.1.1\n    <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox\n    table (in reply to RCPT TO command)"
        );
        let status = format!(
            "Reporting-MTA: dns; mx1.{DOMAIN}\nArrival-Date: {}\n\nFinal-Recipient: rfc822; {rcpt}\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.importadoraandes.cl\nDiagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown",
            original.date.format("%a, %-d %b %Y %H:%M:%S %z")
        );
        let headers = format!(
            "From: {}\nTo: {rcpt}\nSubject: {}\nDate: {}\nMessage-ID: {}",
            original.from.email,
            original.subject,
            original.date.format("%a, %-d %b %Y %H:%M:%S %z"),
            original.id.clone().unwrap_or_default()
        );
        let id = self.new_id(Ids::Host, &format!("mx1.{DOMAIN}"), at);
        let m = Mail {
            seq: 0,
            id: Some(id),
            date: at,
            from: Addr::new(
                "Mail Delivery System",
                &format!("MAILER-DAEMON@mx1.{DOMAIN}"),
            ),
            reply_to: None,
            to: vec![Addr::new("", &original.from.email)],
            cc: Vec::new(),
            subject: "Undelivered Mail Returned to Sender".to_string(),
            in_reply_to: None,
            references: Vec::new(),
            text,
            style: MACHINE,
            html: None,
            html_only: false,
            attachments: Vec::new(),
            report: Some((status, headers)),
            extra_headers: vec!["Auto-Submitted: auto-replied".to_string()],
        };
        self.push(m);
    }

    /// Colleagues writing to each other: matches no customer.
    fn internal_mail(&mut self) {
        let sales = [LI_WEI, ZHANG_MIN, CHEN_JING];

        // Holiday arrangements from the general manager to everybody.
        let text = "各位同事：\n\n根据国家规定并结合公司实际，现将2026年中秋节、国庆节放假安排通知如下：\n\n一、中秋节：9月25日（星期五）放假1天，与周末连休，共3天。\n二、国庆节：10月1日至10月7日放假，共7天，10月8日（星期四）正常上班。\n\n放假前请各业务员提前通知客户，并设置邮件自动回复；客服邮箱由王芳安排值班，财务部请在9月30日前完成本月对账。\n\n祝大家节日快乐！\n\n刘洋\n总经理".to_string();
        let d = Draft {
            from: staff_zh(LIU_YANG),
            to: sales.iter().map(|&u| staff_zh(u)).collect(),
            cc: vec![service(), finance()],
            text,
            style: staff_style_zh(LIU_YANG),
            tz: CHINA,
            attachments: Vec::new(),
        };
        self.send(
            d,
            "关于2026年中秋节、国庆节放假安排的通知",
            local(CHINA, ymd(9, 18), 16, 30),
        );

        // The quarterly review (§7 performance).
        let text = "各位：\n\n定于10月15日（星期四）下午2点在三楼会议室召开第三季度销售业绩回顾会议，请各区域业务员准备：\n\n1. 本季度新客户开发数量及目标完成率；\n2. 销售额、毛利及订单完成情况；\n3. 应收账款回收情况及逾期客户跟进；\n4. 第四季度重点客户计划。\n\n第三季度业绩统计表见附件，请提前核对各自的数据。\n\n刘洋".to_string();
        let d = Draft {
            from: staff_zh(LIU_YANG),
            to: sales.iter().map(|&u| staff_zh(u)).collect(),
            cc: vec![finance()],
            text,
            style: staff_style_zh(LIU_YANG),
            tz: CHINA,
            attachments: vec![xlsx("2026年Q3销售业绩统计.xlsx")],
        };
        self.send(
            d,
            "第三季度销售业绩回顾会议通知（10月15日）",
            local(CHINA, ymd(10, 12), 9, 5),
        );

        // Weekly reports to the manager.
        let reports: [(usize, &str); 3] = [
            (LI_WEI, "1. 德国汉莎（Hansa）破损投诉已与客服部一起处理，客户同意贷记方案；\n2. 给波兰、荷兰客户报了明年春季的园林工具价格；\n3. 俄罗斯客户还在比价，下周电话跟进。"),
            (ZHANG_MIN, "1. 美国Lone Star的补单PI已确认，定金已到；\n2. 墨西哥客户订舱完成，11月30日开船；\n3. 巴西客户要求降价8%，已报新价，等待回复。"),
            (CHEN_JING, "1. 深圳光明照明投诉：补发150台已安排，返工费用待财务确认；\n2. 尼日利亚客户逾期账款，已配合财务催收，客户承诺分两次付款；\n3. 阿里巴巴新询盘3个（阿曼、澳洲、肯尼亚），已全部回复。"),
        ];
        for (user, done) in reports {
            for (week, day) in [("11.9-11.13", 13), ("11.16-11.20", 20)] {
                let text = format!(
                    "刘总：\n\n本周（{week}）工作汇报如下：\n\n一、本周完成\n{done}\n\n二、下周计划\n1. 跟进在谈客户的报价和样品；\n2. 整理年底前需要出货的订单，和工厂确认交期；\n3. 给重点客户发春节放假安排。\n\n三、需要协调的问题\n工厂反映春节前产能紧张，12月15日以后确认的订单可能要节后出货。\n\n{}",
                    USERS[user].zh
                );
                let style = if user == LI_WEI {
                    FOXMAIL_GB
                } else {
                    staff_style_zh(user)
                };
                let d = Draft::new(staff_zh(user), staff_zh(LIU_YANG), text, style, CHINA);
                let at = local(CHINA, ymd(11, day), 17, 10 + user as u32 * 7);
                self.send(d, &format!("周报（{week}）{}", USERS[user].zh), at);
            }
        }

        // Finance's overdue list to the sales team (§5: salespeople chase, finance monitors).
        let text = "各位业务员：\n\n截至10月31日的逾期应收账款清单见附件，请各自跟进：\n\n1. 尼日利亚 Lagos Home Depot：INV-2026-0358，USD 26,740.00，逾期45天（陈静）——已暂停发货；\n2. 土耳其 Anadolu Yapi：INV-2026-0329，USD 12,880.00，逾期41天（李伟）；\n3. 上海恒通：INV-2026-0391，RMB 86,420.00，逾期29天（陈静）——客户已付款，待到账确认。\n\n逾期超过60天的客户将按公司信用管理制度下调信用额度，请务必在下周五前反馈跟进情况。\n\n赵磊\n财务部".to_string();
        let d = Draft {
            from: Addr::new("赵磊", &format!("finance@{DOMAIN}")),
            to: sales.iter().map(|&u| staff_zh(u)).collect(),
            cc: Vec::new(),
            text,
            style: STAFF_WEBMAIL_ZH,
            tz: CHINA,
            attachments: vec![xlsx("逾期应收账款清单_20261031.xlsx")],
        };
        self.send(
            d,
            "逾期应收账款清单（截至10月31日）",
            local(CHINA, ymd(11, 2), 10, 40),
        );

        // Monthly complaint analysis from service (§6: periodic analysis).
        let text = "各位同事：\n\n10月份共收到客户投诉3起：\n\n1. 德国汉莎：纸箱破损（42箱），原因是工厂使用了三层纸箱，已贷记EUR 3,864；\n2. 加拿大Maple Leaf：手持搅拌棒电机故障12台，已安排免费补发；\n3. 迪拜Gulf Star：恒温阀芯备件需求，已报价。\n\n改进措施：出货前验货增加纸箱层数和重量检查，装柜拍照发客户。\n\n王芳\n客服主管".to_string();
        let d = Draft {
            from: Addr::new("王芳", &format!("service@{DOMAIN}")),
            to: sales.iter().map(|&u| staff_zh(u)).collect(),
            cc: vec![staff_zh(LIU_YANG)],
            text,
            style: OUTLOOK_CN,
            tz: CHINA,
            attachments: Vec::new(),
        };
        self.send(
            d,
            "10月客户投诉汇总及改进措施",
            local(CHINA, ymd(11, 4), 11, 20),
        );

        // A question between salespeople, answered.
        let text = "李伟：\n\n你好！我这边有个美国客户想做德国亚马逊，问GS认证的包装有什么要求（外箱标识、说明书语言等）。你那边有现成的资料吗？\n\n谢谢！\n张敏".to_string();
        let d = Draft::new(
            staff_zh(ZHANG_MIN),
            staff_zh(LI_WEI),
            text,
            staff_style_zh(ZHANG_MIN),
            CHINA,
        );
        let m = self.send(
            d,
            "请教：德国GS认证的包装要求",
            local(CHINA, ymd(8, 19), 14, 2),
        );
        let text = "张敏：\n\n有的，附件是汉莎的包装要求，GS主要看说明书（德文）、警示标识和生产商地址，外箱要五层瓦楞纸。有问题再找我。\n\n李伟".to_string();
        let d = Draft::new(
            staff_zh(LI_WEI),
            staff_zh(ZHANG_MIN),
            text,
            FOXMAIL_GB,
            CHINA,
        )
        .attach(pdf(
            "Hansa_Verpackungsrichtlinie_2026.pdf",
            "Packaging guideline",
        ));
        let _ = self.answer(&m, d, (1, 5));

        // Sales asks service to follow a complaint.
        let text = "王芳：\n\n深圳光明照明的投诉（LD-610面板灯）麻烦你跟进一下，客户比较着急，工程在赶工期。工厂那边我已经联系了，驱动电源是同一批次的问题。\n\n陈静".to_string();
        let d = Draft::new(
            staff_zh(CHEN_JING),
            service(),
            text,
            staff_style_zh(CHEN_JING),
            CHINA,
        );
        self.send(
            d,
            "请协助跟进：深圳光明照明投诉",
            local(CHINA, ymd(11, 9), 11, 2),
        );
    }

    /// Factories and forwarders: domestic senders who are not customers.
    fn supplier_mail(&mut self) {
        let wang = Addr::new("王建军", "wang@jinggong-hardware.cn");
        let text = "李经理：\n\n您好！HT-2041羊角锤4800只已完成70%，玻纤柄到货延迟了三天，预计9月12日全部完成，9月14日可以验货。纸箱按贵司要求用三层瓦楞纸，如有变化请提前通知。\n\n王建军\n宁波鄞州精工五金厂\n手机：135 0574 6621".to_string();
        let m = self.send(
            Draft::new(wang.clone(), staff_zh(LI_WEI), text, FOXMAIL_GB, CHINA),
            "HT-2041羊角锤生产进度及交期确认",
            local(CHINA, ymd(9, 3), 8, 47),
        );
        let text = "王厂长：\n\n收到，谢谢！9月14日上午我们QC过去验货。\n\n李伟".to_string();
        let _ = self.answer(
            &m,
            Draft::new(staff_zh(LI_WEI), wang, text, FOXMAIL_GB, CHINA),
            (1, 4),
        );

        let gh = Addr::new("慈溪光华电器 销售部", "sales@cixi-guanghua.com");
        let text = "尊敬的客户：\n\n由于近期铜材、不锈钢等原材料价格持续上涨，经公司研究决定，自2026年12月1日起部分产品出厂价上调3%-5%，具体见附件报价单。11月30日前确认的订单仍按原价执行。\n\n感谢您一直以来的支持！\n\n慈溪光华电器有限公司\n销售部".to_string();
        let d = Draft::new(gh, staff_zh(CHEN_JING), text, STAFF_WEBMAIL_ZH, CHINA)
            .attach(xlsx("2026年12月报价单.xlsx"));
        self.send(
            d,
            "关于原材料上涨调整报价的通知",
            local(CHINA, ymd(11, 17), 9, 30),
        );

        let sealink = Addr::new(
            "Ningbo Sealink Logistics - Booking",
            "booking@nb-sealink.com",
        );
        let text = "Dear Zhang Min,\n\nPlease find the booking confirmation below:\n\nSO No.: NB26110388\nCarrier: MSC\nVessel/Voyage: MSC ANNA V.2448W\nPOL: Ningbo  POD: Manzanillo, Mexico\nEquipment: 1x40'HQ\nETD: 2026-11-30\nCY cut-off: 2026-11-27 12:00\nSI cut-off: 2026-11-26 17:00\n\nPlease send the shipping instructions before the SI cut-off.\n\nBest regards,\nAmy Xu\nNingbo Sealink Logistics Co., Ltd.".to_string();
        self.send(
            Draft::new(sealink, staff(ZHANG_MIN), text, OUTLOOK, CHINA),
            "Booking confirmation SO NB26110388 / Ningbo - Manzanillo / ETD 2026-11-30",
            local(CHINA, ymd(11, 20), 15, 12),
        );

        let bill = Addr::new("宁波海联物流 财务", "billing@nb-sealink.com");
        let text = "海风公司财务部：\n\n附件是贵司10月份的海运费及港杂费对账单，共计人民币47,350.00元，请核对无误后于11月15日前付款。\n\n宁波海联物流有限公司 财务部".to_string();
        let d = Draft::new(bill, finance(), text, STAFF_WEBMAIL_ZH, CHINA)
            .attach(pdf("海运费对账单_2026年10月.pdf", "Freight statement"));
        self.send(d, "10月份海运费对账单", local(CHINA, ymd(11, 5), 10, 0));
    }

    /// Platforms, carriers, banks and newsletters: automatic senders.
    fn notifications(&mut self) {
        let auto = |m: &mut Mail| {
            m.extra_headers
                .push("Auto-Submitted: auto-generated".to_string());
            m.extra_headers.push("Precedence: bulk".to_string());
        };

        // Alibaba inquiry notification: HTML only, no text part.
        let html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>New inquiry</title></head>\n<body style=\"font-family:Arial,sans-serif\">\n<table width=\"600\" cellpadding=\"8\"><tr><td style=\"background:#ff6a00;color:#fff\"><b>Alibaba.com</b></td></tr>\n<tr><td><p>Dear Chen Jing,</p>\n<p>You have received a new inquiry from <b>Salim Al Balushi</b> (Oman) for <b>LED flood light 100W IP65</b>.</p>\n<p><i>&quot;Hello, we need 800 pcs 100W flood lights for a warehouse project in Sohar. Please send price CIF Sohar and delivery time.&quot;</i></p>\n<p>Quantity: 800 Pieces<br>Buyer country: Oman<br>Email verified: Yes</p>\n<p><a href=\"https://message.alibaba.com/message/default.htm\">Reply now</a> &mdash; buyers who receive a reply within 24 hours are 3x more likely to order.</p>\n</td></tr></table>\n<p style=\"font-size:11px;color:#888\">This email was sent by Alibaba.com to chen.jing@seawind-trade.cn. Please do not reply to this email.</p>\n</body></html>".to_string();
        let d = Draft::new(
            Addr::new("Alibaba.com", "notice@service.alibaba.com"),
            staff(CHEN_JING),
            String::new(),
            MACHINE,
            CHINA,
        );
        self.send_custom(
            d,
            "You have a new inquiry from Oman: LED flood light 100W IP65",
            local(CHINA, ymd(11, 16), 3, 12),
            |m| {
                m.html = Some(html);
                m.html_only = true;
                auto(m);
            },
        );

        let alternatives: [Notice; 4] = [
            (
                CHEN_JING,
                Addr::new("Alibaba.com", "notice@service.alibaba.com"),
                "New RFQ matching your products: LED panel light 600x600 - from Kenya",
                "Dear Chen Jing,\n\nA buyer from Kenya posted a new Request for Quotation that matches your products: LED panel light 600x600mm 40W, 1,500 pieces, delivery to Mombasa.\n\nQuote now on Alibaba.com: https://rfq.alibaba.com",
                (11, 27),
            ),
            (
                ZHANG_MIN,
                Addr::new("Alibaba.com", "notice@service.alibaba.com"),
                "New inquiry: folding camping chair - from United States",
                "Dear Zhang Min,\n\nYou have received a new inquiry from Ryan Cooper (United States) for folding camping chair with cup holder.\n\nQuantity: 2,000 Pieces\n\nReply now on Alibaba.com: https://message.alibaba.com/message/default.htm",
                (10, 6),
            ),
            (
                LI_WEI,
                Addr::new("Made-in-China.com", "noreply@made-in-china.com"),
                "Buyer inquiry: expandable garden hose - from Poland",
                "Dear Li Wei,\n\nA buyer from Poland (Novatrade Sp. z o.o.) sent an inquiry for your product \"15m expandable garden hose with 7-pattern nozzle\".\n\nPlease log in to reply: https://membercenter.made-in-china.com",
                (8, 25),
            ),
            (
                CHEN_JING,
                Addr::new("Canton Fair", "noreply@cantonfair.org.cn"),
                "Invitation: 140th China Import and Export Fair (Canton Fair), Phase 1 Oct 15-19",
                "Dear Exhibitor,\n\nThe 140th China Import and Export Fair will be held in Guangzhou. Phase 1 (electronics, household electrical appliances, lighting, hardware and tools): October 15-19, 2026.\n\nPlease confirm your booth and register your visitors online before September 30.\n\nCanton Fair Organising Committee",
                (9, 1),
            ),
        ];
        for (user, from, subject, text, (mo, d)) in alternatives {
            let html = format!(
                "<html><body><p>{}</p></body></html>",
                text.replace("\n\n", "</p><p>").replace('\n', "<br>")
            );
            let at = local(CHINA, ymd(mo, d), 2, 40);
            let unsubscribe = format!("List-Unsubscribe: <mailto:unsubscribe@{}>", from.domain());
            let draft = Draft::new(from, staff(user), text.to_string(), MACHINE, CHINA);
            self.send_custom(draft, subject, at, |m| {
                m.html = Some(html);
                auto(m);
                m.extra_headers.push(unsubscribe);
            });
        }

        let dhl = "Your DHL Express shipment 4829163750 has been delivered.\n\nFrom: NINGBO SEAWIND IMPORT & EXPORT\nTo: POLNARZEDZIA SP. Z O.O., POZNAN, POLAND\nDelivered: 2026-07-09 11:42, signed by KOWALSKI\nPieces: 1, Weight: 2.4 kg\n\nTrack: https://www.dhl.com/en/express/tracking.html?AWB=4829163750\n\nThis is an automatically generated email, please do not reply.".to_string();
        let d = Draft::new(
            Addr::new("DHL Express", "noreply@dhl.com"),
            staff(LI_WEI),
            dhl,
            MACHINE,
            CHINA,
        );
        self.send_custom(
            d,
            "DHL On Demand Delivery: shipment 4829163750 delivered",
            local(CHINA, ymd(7, 9), 18, 3),
            auto,
        );

        let maersk = "Booking Confirmation\n\nBooking number: 263518790\nShipper: NINGBO SEAWIND IMPORT & EXPORT CO., LTD.\nFrom: Ningbo, Zhejiang, China\nTo: Santos, Brazil\nEquipment: 2 x 40 DRY HIGH\nVessel: MAERSK EINDHOVEN 445W\nEstimated departure: 2026-10-20\n\nThis message was sent from an unmonitored mailbox.".to_string();
        let d = Draft::new(
            Addr::new("Maersk", "no-reply@maersk.com"),
            staff(ZHANG_MIN),
            maersk,
            MACHINE,
            CHINA,
        );
        self.send_custom(
            d,
            "Booking Confirmation 263518790 - Ningbo to Santos",
            local(CHINA, ymd(10, 9), 7, 58),
            auto,
        );

        let bank = Addr::new("中国银行", "ebank@notice.boc.cn");
        for (d, amount, payer) in [
            ((11, 6), "USD 10,000.00", "LAGOS HOME DEPOT LTD"),
            ((11, 16), "USD 18,460.00", "PACIFIC COAST HOME GOODS LLC"),
        ] {
            let text = format!(
                "尊敬的宁波海风进出口有限公司：\n\n贵单位账户（尾号7729）于{}月{}日收到境外汇入汇款：\n\n金额：{amount}\n汇款人：{payer}\n业务编号：IRM{}\n\n请登录企业网银办理国际收支申报。本邮件由系统自动发送，请勿回复。\n\n中国银行宁波市分行",
                d.0,
                d.1,
                self.rng.digits(12)
            );
            let draft = Draft::new(bank.clone(), finance(), text, MACHINE, CHINA);
            self.send_custom(
                draft,
                "汇入汇款通知 Inward Remittance Advice",
                local(CHINA, ymd(d.0, d.1), 10, 26),
                auto,
            );
        }
    }

    /// New people: inquiries from domains not in the register, a web form, spam.
    fn strangers(&mut self) {
        let tomasz = Addr::new("Tomasz Zieliński", "t.zielinski@novatrade.pl");
        let text = "Dear Li Wei,\n\nWe are a garden centre supplier in Wrocław. Please quote 3,000 pcs of your 15m expandable garden hose (GT-615), packed in display boxes, CIF Gdansk. We also need your CE declaration.\n\nBest regards,\nTomasz Zieliński\nNovatrade Sp. z o.o.\nul. Legnicka 55, 54-203 Wrocław, Poland".to_string();
        let m = self.send(
            Draft::new(tomasz.clone(), staff(LI_WEI), text, THUNDERBIRD, CET),
            "Inquiry: expandable garden hose 15m (GT-615)",
            local(CET, ymd(8, 26), 10, 14),
        );
        let text = format!(
            "Dear Tomasz,\n\nThank you for your inquiry. For 3,000 pcs GT-615 in display boxes we can offer EUR 4.55/pc CIF Gdansk, lead time 35 days after deposit. The CE declaration is attached.\n\n{}",
            sales_sig(LI_WEI)
        );
        let d = Draft::new(staff(LI_WEI), tomasz, text, staff_style(LI_WEI), CHINA)
            .attach(pdf("GT-615_CE_DoC.pdf", "Declaration of conformity"));
        let _ = self.answer(&m, d, (2, 20));

        let salim = Addr::new("Salim Al Balushi", "purchasing@desertbuild.com.om");
        let text = "Dear Ms. Chen,\n\nFurther to my inquiry on Alibaba: we need 800 pcs LED flood light 100W IP65 for a warehouse project in Sohar. Please send your best price CIF Sohar, the photometric data (IES file) and the warranty terms.\n\nRegards,\nSalim Al Balushi\nProcurement, Desert Build LLC\nMuscat, Sultanate of Oman".to_string();
        let oman = fixed(240);
        let m = self.send(
            Draft::new(salim.clone(), staff(CHEN_JING), text, OUTLOOK, oman),
            "LED flood lights 100W for warehouse project - Sohar",
            local(oman, ymd(11, 16), 11, 30),
        );
        let text = format!(
            "Dear Mr. Salim,\n\nThank you for contacting us. For 800 pcs LD-880 100W IP65 we offer USD 9.45/pc CIF Sohar, warranty 3 years, delivery 30 days after deposit. IES file and datasheet attached.\n\n{}",
            sales_sig(CHEN_JING)
        );
        let d = Draft::new(staff(CHEN_JING), salim, text, staff_style(CHEN_JING), CHINA)
            .attach(pdf("LD-880_Datasheet.pdf", "Datasheet"));
        let _ = self.answer(&m, d, (2, 20));

        let ryan = Addr::new("Ryan Cooper", "ryan@bluewave-imports.com");
        let text = "Hi Zhang Min,\n\nI sent you an inquiry on Alibaba this morning. We sell outdoor furniture on Amazon and Walmart.com. Could you quote 2,000 folding camping chairs (CG-502) in 3 colours, with our logo, FOB Ningbo? Also what is the lead time for a first order?\n\nThanks,\nRyan Cooper\nBluewave Imports LLC, San Diego, CA".to_string();
        let m = self.send(
            Draft::new(ryan.clone(), staff(ZHANG_MIN), text, GMAIL, US_PACIFIC),
            "Camping chairs CG-502 - quote request",
            local(US_PACIFIC, ymd(10, 6), 9, 20),
        );
        let text = format!(
            "Hi Ryan,\n\nThanks for reaching out! CG-502 with your logo (silk screen on the backrest) is USD 5.85/pc FOB Ningbo for 2,000 pcs in 3 colours, lead time 40 days. We can send 3 samples by DHL this week.\n\n{}",
            sales_sig(ZHANG_MIN)
        );
        let d = Draft::new(
            staff(ZHANG_MIN),
            ryan.clone(),
            text,
            staff_style(ZHANG_MIN),
            CHINA,
        );
        if let Some(m) = self.answer(&m, d, (2, 20)) {
            let text = "Sounds good, please send the samples to the address below:\n\nBluewave Imports LLC\n9550 Waples St, San Diego, CA 92121\n\nRyan".to_string();
            let _ = self.answer(
                &m,
                Draft::new(ryan, staff(ZHANG_MIN), text, GMAIL, US_PACIFIC),
                (6, 40),
            );
        }

        let jenny = Addr::new("Jenny Wu", "jenny.wu.sourcing@gmail.com");
        let text = "Hi Chen Jing,\n\nI'm a sourcing agent in Sydney working for several hardware stores. Could you send me your catalogue for hand tools and garden tools? Prices for 1x20' mixed container would be great.\n\nCheers,\nJenny".to_string();
        let m = self.send(
            Draft::new(jenny.clone(), staff(CHEN_JING), text, GMAIL, MELBOURNE),
            "Catalogue request - hand & garden tools",
            local(MELBOURNE, ymd(11, 10), 9, 45),
        );
        let text = format!(
            "Hi Jenny,\n\nNice to meet you! Our 2026 catalogue is attached; for a mixed 20' container the MOQ per item is just one carton row. Let me know which items you are interested in.\n\n{}",
            sales_sig(CHEN_JING)
        );
        let d = Draft::new(staff(CHEN_JING), jenny, text, staff_style(CHEN_JING), CHINA)
            .attach(pdf("Seawind_Catalogue_2026.pdf", "Seawind catalogue 2026"));
        let _ = self.answer(&m, d, (1, 10));

        // The website's contact form: no Message-ID, the buyer only in Reply-To.
        let text = "A visitor submitted the contact form on www.seawind-trade.cn:\n\nName: Ahmed Raza\nCompany: Karachi Traders\nCountry: Pakistan\nEmail: ahmed.raza@karachitraders.pk\nPhone: +92 21 3456 7890\nProducts: bathroom fittings\n\nMessage:\nWe are importers of sanitary ware. Please send your catalogue of shower mixers and basin faucets with prices FOB Ningbo.\n\n--\nSent by the website contact form (IP 39.45.112.8)".to_string();
        let d = Draft::new(
            Addr::new("Seawind Website", &format!("webform@{DOMAIN}")),
            service(),
            text,
            MACHINE,
            CHINA,
        );
        self.send_custom(
            d,
            "Website inquiry: bathroom fittings (Pakistan)",
            local(CHINA, ymd(10, 26), 22, 41),
            |m| {
                m.id = None;
                m.reply_to = Some(Addr::new("Ahmed Raza", "ahmed.raza@karachitraders.pk"));
                m.extra_headers
                    .push("X-Mailer: PHPMailer 6.9.1".to_string());
            },
        );

        // Spam pretending to be a reply.
        let text = "Hi,\n\nI was checking your website seawind-trade.cn and noticed it is not on the first page of Google for \"hand tools supplier China\". We can fix that in 30 days, guaranteed. Shall I send you a free audit?\n\nMark Evans\nSenior SEO Consultant".to_string();
        self.send(
            Draft::new(
                Addr::new("Mark Evans", "mark@rankboost-seo.net"),
                staff(LI_WEI),
                text,
                GMAIL,
                US_EAST,
            ),
            "Re: Google first page for seawind-trade.cn",
            local(US_EAST, ymd(7, 21), 6, 3),
        );
    }

    /// Customers from the GBK register write too.
    fn register_customers_gbk(&mut self) {
        let li = Addr::new("李志强", "lizq@huanan-hardware.cn");
        let text = "陈经理：\n\n您好！明年我厂计划通过贵司出口一部分五金工具到中东和非洲，想和贵司签一个2027年的合作框架协议，主要内容包括出口代理费率、结汇周期和样品费用。方便的话下周来宁波拜访一次。\n\n李志强\n广州市华南五金制品厂".to_string();
        let m = self.send(
            Draft::new(li.clone(), staff_zh(CHEN_JING), text, OUTLOOK_CN, CHINA),
            "关于2027年合作框架协议的事宜",
            local(CHINA, ymd(11, 18), 14, 25),
        );
        let text = format!(
            "李总：\n\n您好！非常欢迎，下周二或周三都可以，我们刘总也会参加。框架协议草稿我先整理一下，拜访前发给您。\n\n{}",
            sig_zh(CHEN_JING)
        );
        let _ = self.answer(
            &m,
            Draft::new(staff_zh(CHEN_JING), li, text, STAFF_WEBMAIL_ZH, CHINA),
            (1, 6),
        );

        let wang = Addr::new("王海涛", "wanght@dingsheng-hz.com");
        let text = "陈经理：\n\n请报CG-502折叠露营椅的价格，数量3000把，需要印我们的标志，另外请问最快什么时候能交货？\n\n王海涛\n杭州鼎盛工贸有限公司".to_string();
        self.send(
            Draft::new(wang, staff_zh(CHEN_JING), text, FOXMAIL_GB, CHINA),
            "询价：CG-502折叠露营椅",
            local(CHINA, ymd(10, 28), 9, 55),
        );
    }
}

/// A platform mail with a text and an HTML part: (recipient, sender, subject, text, (month, day)).
type Notice = (usize, Addr, &'static str, &'static str, (u32, u32));

const HANSA_PI: &str = "PI-SW2026-0744";
const HANSA_BL: &str = "MEDU8812045736";
const HANSA_CONTAINER: &str = "MSKU7781234";
const GUANGMING_CONTRACT: &str = "SW-DS-2026-0087";

fn source_phrase(source: &str) -> &'static str {
    match source {
        "alibaba" => "Alibaba.com",
        "made_in_china" => "Made-in-China.com",
        "global_sources" => "Global Sources",
        "trade_show" => "the Canton Fair",
        "website" => "your website",
        _ => "the internet",
    }
}

const SIGN_OFFS: [&str; 4] = [
    "Best regards,",
    "Kind regards,",
    "Regards,",
    "Thanks and best regards,",
];

fn sign_off(rng: &mut Rng) -> &'static str {
    SIGN_OFFS[rng.below(SIGN_OFFS.len() as u64) as usize]
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------
// Writing the files
// ---------------------------------------------------------------------------

fn mailbox_address(m: &MailboxDef) -> String {
    format!("{}@{DOMAIN}", m.local)
}

/// Where a message is filed: the sender's Sent folder, every recipient's INBOX.
/// Returns (mailbox index, is_sent).
fn placements(m: &Mail) -> Vec<(usize, bool)> {
    let mut out = Vec::new();
    let is = |a: &Addr, mb: &MailboxDef| a.email.eq_ignore_ascii_case(&mailbox_address(mb));
    for (i, mb) in MAILBOXES.iter().enumerate() {
        if is(&m.from, mb) {
            out.push((i, true));
        }
    }
    for (i, mb) in MAILBOXES.iter().enumerate() {
        let received = m.to.iter().chain(m.cc.iter()).any(|a| is(a, mb));
        if received && !out.contains(&(i, true)) {
            out.push((i, false));
        }
    }
    out
}

fn write_maildirs(root: &Path, mails: &[Mail]) -> io::Result<usize> {
    for mb in MAILBOXES {
        let base = root.join(mb.name);
        for folder in [base.clone(), base.join(".Sent")] {
            for sub in ["cur", "new", "tmp"] {
                fs::create_dir_all(folder.join(sub))?;
            }
        }
        fs::write(base.join(".Sent").join("maildirfolder"), b"")?;
    }
    let unread_from = window_end() - Duration::hours(48);
    let mut n = 0usize;
    for m in mails {
        for (mb, sent) in placements(m) {
            n += 1;
            let def = &MAILBOXES[mb];
            let mut folder = root.join(def.name);
            if sent {
                folder = folder.join(".Sent");
            }
            let delay = if sent { 0 } else { 2 + (m.seq % 40) as i64 };
            let stamp = m.date.timestamp() + delay;
            let unread = !sent && m.date.with_timezone(&Utc) >= unread_from;
            let path = if unread {
                folder.join("new").join(format!("{stamp}.{n}.demo"))
            } else {
                folder.join("cur").join(format!("{stamp}.{n}.demo:2,S"))
            };
            let delivered_to = (!sent).then(|| mailbox_address(def));
            fs::write(path, m.render(delivered_to.as_deref()))?;
        }
    }
    Ok(n)
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) || value.starts_with(' ') || value.ends_with(' ') {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

const CSV_HEADER: &str = "code,name,legal_rep,address,country,nature,scale,source,stage,owner,product_categories,purchase_frequency,payment_terms,price_sensitivity,credit_rating,credit_limit,currency,market_notes,tags,do_not_contact,last_verified,phone,fax,website,domains,contact_name,contact_title,contact_email,contact_phone,contact_language";

/// customers.csv as Excel's "CSV UTF-8" writes it: BOM, CRLF.
fn customers_csv_bytes(customers: &[Customer]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    out.push_str(CSV_HEADER);
    out.push_str("\r\n");
    for c in customers {
        let s = &c.seed;
        for (i, contact) in s.contacts.iter().enumerate() {
            let contact_phone = if i == 0 {
                c.phone.clone()
            } else {
                String::new()
            };
            let customer_cols: Vec<String> = if i == 0 {
                vec![
                    s.name.to_string(),
                    s.legal_rep.to_string(),
                    s.address.to_string(),
                    s.country.to_string(),
                    s.nature.to_string(),
                    s.scale.to_string(),
                    s.source.to_string(),
                    s.stage.to_string(),
                    USERS[c.owner].login.to_string(),
                    s.categories.join(";"),
                    c.purchase_frequency.to_string(),
                    c.payment_terms.to_string(),
                    c.price_sensitivity.to_string(),
                    c.credit_rating.to_string(),
                    format!("{}.00", c.credit_limit),
                    c.currency.to_string(),
                    c.market_notes.clone(),
                    c.tags.join(";"),
                    c.do_not_contact.to_string(),
                    c.last_verified.format("%Y-%m-%d").to_string(),
                    c.phone.clone(),
                    c.fax.clone(),
                    c.website(),
                    s.domains.join(";"),
                ]
            } else {
                vec![String::new(); 24]
            };
            let mut row = vec![s.code.to_string()];
            row.extend(customer_cols);
            row.extend([
                contact.name.to_string(),
                contact.title.to_string(),
                contact.email.to_string(),
                contact_phone,
                contact.lang.to_string(),
            ]);
            out.push_str(
                &row.iter()
                    .map(|v| csv_field(v))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            out.push_str("\r\n");
        }
    }
    out.into_bytes()
}

/// customers-gbk.csv as Chinese Excel's plain "CSV" writes it: GBK, no BOM, CRLF.
fn customers_gbk_csv_bytes() -> Vec<u8> {
    let mut out = String::from(GBK_HEADER);
    out.push_str("\r\n");
    for row in GBK_ROWS.lines() {
        out.push_str(row);
        out.push_str("\r\n");
    }
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&out);
    debug_assert!(
        !unmappable,
        "GBK register holds a character GBK cannot encode"
    );
    bytes.into_owned()
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn config_toml(dir: &Path) -> String {
    let data_dir = dir.join("data");
    let mut out = format!(
        "# tradewind demo configuration, written by `generate` for {COMPANY_EN} ({COMPANY_ZH}).\n\
         # Mailbox passwords are never written here; each comes from an environment variable.\n\n\
         [company]\nname = {}\nhome_country = \"CN\"\ndomains = [\"{DOMAIN}\"]\n\n[store]\ndata_dir = {}\n",
        toml_string(COMPANY_EN),
        toml_string(&data_dir.to_string_lossy())
    );
    for u in USERS {
        out.push_str(&format!(
            "\n[[users]]\nlogin = \"{}\"\nname = {}\nemail = \"{}@{DOMAIN}\"\nrole = \"{}\"\n",
            u.login,
            toml_string(&format!("{} {}", u.en, u.zh)),
            u.login,
            u.role
        ));
        if let Some(team) = u.team {
            out.push_str(&format!("team = \"{team}\"\n"));
        }
    }
    for m in MAILBOXES {
        let address = mailbox_address(m);
        out.push_str(&format!(
            "\n[[mailboxes]]\nname = \"{}\"\nowner = \"{}\"\nrole = \"{}\"\naddress = \"{address}\"\n[mailboxes.imap]\nhost = \"imap.{DOMAIN}\"\nport = 993\ntls = \"implicit\"\nusername = \"{address}\"\npassword = {{ env = \"TRADEWIND_PW_{}\" }}\n",
            m.name,
            m.owner,
            m.role,
            m.name.to_uppercase().replace('.', "_")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};
    use std::collections::{BTreeMap, HashMap, HashSet};

    /// Every file under `dir`, by relative path, in a stable order.
    fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(root, &path, out);
                } else {
                    let rel = path
                        .strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    out.insert(rel, fs::read(&path).unwrap());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(dir, dir, &mut out);
        out
    }

    /// (mailbox, folder, bytes) of every message file.
    fn messages(dir: &Path) -> Vec<(String, String, Vec<u8>)> {
        files(&dir.join("mail"))
            .into_iter()
            .filter(|(path, _)| path.contains("/cur/") || path.contains("/new/"))
            .map(|(path, bytes)| {
                let mailbox = path.split('/').next().unwrap().to_string();
                let folder = if path.contains("/.Sent/") {
                    "Sent"
                } else {
                    "INBOX"
                };
                (mailbox, folder.to_string(), bytes)
            })
            .collect()
    }

    fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
        let head = raw.split("\r\n\r\n").next().unwrap();
        head.split("\r\n")
            .find(|l| {
                l.len() > name.len()
                    && l[..name.len()].eq_ignore_ascii_case(name)
                    && l[name.len()..].starts_with(':')
            })
            .map(|l| l[name.len() + 1..].trim())
    }

    fn digest(dir: &Path) -> String {
        let mut hasher = Sha256::new();
        let dir_text = dir.to_string_lossy().to_string();
        for (path, bytes) in files(dir) {
            hasher.update(path.as_bytes());
            // The config names the directory itself; everything else must not.
            let bytes = if path == "tradewind.toml" {
                String::from_utf8(bytes)
                    .unwrap()
                    .replace(&dir_text, "<dir>")
                    .into_bytes()
            } else {
                bytes
            };
            hasher.update(&bytes);
        }
        format!("{:x}", hasher.finalize())
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let c = tempfile::tempdir().unwrap();
        let da = generate(a.path(), 7).unwrap();
        let db = generate(b.path(), 7).unwrap();
        generate(c.path(), 8).unwrap();
        assert_eq!(da.message_count, db.message_count);
        assert_eq!(digest(a.path()), digest(b.path()));
        assert_ne!(digest(a.path()), digest(c.path()));
    }

    #[test]
    fn refuses_a_directory_that_already_holds_mail() {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), 1).unwrap();
        let err = generate(dir.path(), 1).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    }

    #[test]
    fn customers_csv_has_the_header_and_fifty_customers() {
        let dir = tempfile::tempdir().unwrap();
        let demo = generate(dir.path(), 42).unwrap();
        let bytes = fs::read(&demo.customers_csv).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "Excel's UTF-8 BOM");
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header.join(","), CSV_HEADER);
        let mut codes = HashSet::new();
        let mut rows_per_code: HashMap<String, usize> = HashMap::new();
        let mut free_mail_without_domain = 0;
        let mut stale = 0;
        let mut names_with_comma = 0;
        for record in reader.records() {
            let r = record.unwrap();
            assert_eq!(r.len(), 30);
            codes.insert(r[0].to_string());
            *rows_per_code.entry(r[0].to_string()).or_default() += 1;
            if r[1].is_empty() {
                continue; // a second contact
            }
            names_with_comma += usize::from(r[1].contains(','));
            assert!(["trading", "manufacturer", "end_customer", "other"].contains(&&r[5]));
            assert!(["large", "medium", "small"].contains(&&r[6]));
            assert!(["li.wei", "zhang.min", "chen.jing"].contains(&&r[9]));
            assert!(["excellent", "good", "average", "poor"].contains(&&r[14]));
            assert!(["USD", "EUR", "CNY"].contains(&&r[16]));
            assert!(r[15].ends_with(".00"));
            let verified = NaiveDate::parse_from_str(&r[20], "%Y-%m-%d").unwrap();
            stale += usize::from(report_date() - verified > Duration::days(365));
            let email = &r[27];
            if ["@gmail.com", "@hotmail.com", "@qq.com"]
                .iter()
                .any(|d| email.ends_with(d))
            {
                assert!(
                    r[24].is_empty(),
                    "free-mail customer {} lists a domain",
                    &r[0]
                );
                free_mail_without_domain += 1;
            }
        }
        assert!(codes.len() >= 50, "{} codes", codes.len());
        assert!(rows_per_code.values().filter(|&&n| n > 1).count() >= 3);
        assert!(free_mail_without_domain >= 3);
        assert!(stale >= 3, "{stale} stale records");
        assert!(names_with_comma >= 2);
    }

    #[test]
    fn gbk_csv_decodes_with_a_chinese_header() {
        let dir = tempfile::tempdir().unwrap();
        let demo = generate(dir.path(), 42).unwrap();
        let bytes = fs::read(&demo.customers_gbk_csv).unwrap();
        assert!(std::str::from_utf8(&bytes).is_err(), "must not be UTF-8");
        let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
        assert!(!had_errors);
        assert!(text.starts_with(GBK_HEADER));
        assert!(text.contains("客户名称"));
        assert_eq!(text.lines().count(), 6);
    }

    #[test]
    fn config_matches_the_schema_shape() {
        let dir = tempfile::tempdir().unwrap();
        let demo = generate(dir.path(), 42).unwrap();
        let written = fs::read_to_string(dir.path().join("tradewind.toml")).unwrap();
        assert_eq!(written, demo.config_toml);
        assert!(written.contains("home_country = \"CN\""));
        assert_eq!(written.matches("[[users]]").count(), 6);
        assert_eq!(written.matches("[[mailboxes]]").count(), 5);
        assert!(written.contains("password = { env = \"TRADEWIND_PW_LI_WEI\" }"));
        assert_eq!(demo.mail_dirs.len(), 5);
        for (name, path) in &demo.mail_dirs {
            assert!(path.join("cur").is_dir(), "{name}");
            assert!(path.join(".Sent").join("cur").is_dir(), "{name}");
        }
    }

    /// The demo is only useful if tradewind's own readers accept it.
    #[test]
    fn the_real_config_loader_and_customer_importer_accept_it() {
        let dir = tempfile::tempdir().unwrap();
        let demo = generate(dir.path(), 42).unwrap();
        let config =
            crate::config::Config::parse(&demo.config_toml, &dir.path().join("tradewind.toml"))
                .unwrap();
        assert_eq!(config.mailboxes.len(), 5);
        assert_eq!(config.users.len(), 6);
        for (path, customers) in [(&demo.customers_csv, 52), (&demo.customers_gbk_csv, 5)] {
            let batch = crate::customers::import::read_customers(path).unwrap();
            assert!(
                batch.errors.is_empty(),
                "{}: {:?}",
                path.display(),
                batch.errors
            );
            assert_eq!(batch.records.len(), customers, "{}", path.display());
        }
    }

    #[test]
    fn mail_is_valid_threaded_encoded_and_deduplicable() {
        let dir = tempfile::tempdir().unwrap();
        let demo = generate(dir.path(), 42).unwrap();
        let msgs = messages(dir.path());
        assert_eq!(msgs.len(), demo.message_count);
        assert!((250..=400).contains(&msgs.len()), "{} messages", msgs.len());

        let parser = mail_parser::MessageParser::default();
        let mut sent_ids: HashMap<String, String> = HashMap::new();
        let mut inbox_ids: Vec<(String, String)> = Vec::new();
        let (mut legacy_cn, mut big5, mut html_only, mut attachments, mut no_id, mut replies) =
            (0, 0, 0, 0, 0, 0);
        let (mut gb2312_word, mut utf8_word) = (false, false);
        for (mailbox, folder, bytes) in &msgs {
            let raw = std::str::from_utf8(bytes).expect("7-bit clean");
            assert!(raw.is_ascii());
            assert!(
                !raw.replace("\r\n", "").contains('\n'),
                "bare LF in {mailbox}/{folder}"
            );
            for h in [
                "Date",
                "From",
                "To",
                "Subject",
                "MIME-Version",
                "Content-Type",
            ] {
                assert!(
                    header(raw, h).is_some(),
                    "{h} missing in {mailbox}/{folder}:\n{raw}"
                );
            }
            let parsed = parser.parse(bytes.as_slice()).expect("parses");
            let subject = parsed.subject().unwrap_or("");
            assert!(!subject.trim().is_empty(), "empty subject:\n{raw}");
            assert!(parsed.date().is_some());
            let lower = raw.to_ascii_lowercase();
            if lower.contains("charset=\"gb2312\"") || lower.contains("charset=\"gbk\"") {
                legacy_cn += 1;
            }
            big5 += usize::from(lower.contains("charset=\"big5\""));
            gb2312_word |= raw.contains("=?GB2312?B?");
            utf8_word |= raw.contains("=?UTF-8?B?");
            html_only += usize::from(
                header(raw, "Content-Type")
                    .unwrap()
                    .starts_with("text/html"),
            );
            attachments += usize::from(parsed.attachment_count() > 0);
            match parsed.message_id() {
                None => no_id += 1,
                Some(id) => {
                    let id = id.to_string();
                    if folder == "Sent" {
                        sent_ids.insert(id, mailbox.clone());
                    } else {
                        inbox_ids.push((id, mailbox.clone()));
                    }
                }
            }
            if parsed.in_reply_to().as_text().is_some() {
                replies += 1;
                assert!(header(raw, "References").is_some());
            }
        }
        assert!(legacy_cn >= 5, "{legacy_cn} GB2312/GBK bodies");
        assert!(big5 >= 2, "{big5} Big5 bodies");
        assert!(gb2312_word && utf8_word);
        assert!(html_only >= 1);
        assert!(attachments >= 2);
        assert_eq!(no_id, 1);
        assert!(replies >= 50, "{replies} replies");
        let shared = inbox_ids
            .iter()
            .filter(|(id, mailbox)| sent_ids.get(id).is_some_and(|from| from != mailbox))
            .count();
        assert!(shared >= 12, "{shared} Sent messages also in another INBOX");
    }

    #[test]
    fn the_required_stories_are_there() {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), 42).unwrap();
        let parser = mail_parser::MessageParser::default();
        let texts: Vec<(String, String, String)> = messages(dir.path())
            .iter()
            .map(|(mb, _, bytes)| {
                let m = parser.parse(bytes.as_slice()).unwrap();
                let body = m
                    .body_text(0)
                    .map(|t| t.to_string())
                    .or_else(|| m.body_html(0).map(|t| t.to_string()))
                    .unwrap_or_default();
                (mb.clone(), m.subject().unwrap_or("").to_string(), body)
            })
            .collect();
        let has = |f: &dyn Fn(&(String, String, String)) -> bool| texts.iter().any(f);
        assert!(has(
            &|(_, _, b)| b.contains("42 were crushed") && b.contains("we claim compensation")
        ));
        assert!(has(&|(mb, _, b)| mb == "service"
            && b.contains("质量问题")
            && b.contains("退货")));
        assert!(has(&|(mb, s, b)| mb == "finance"
            && s.contains("INV-2026-0412")
            && b.contains("bank slip")));
        assert!(has(
            &|(_, _, b)| b.contains("-----原始邮件-----") && b.contains("发件人:")
        ));
        assert!(has(&|(_, _, b)| b.contains("wrote:") && b.contains("\n> ")));
        assert!(has(&|(_, s, _)| s.contains("中秋")));
        assert!(has(
            &|(_, s, _)| s.contains("Christmas") || s.contains("Thanksgiving")
        ));
        assert!(has(&|(_, _, b)| b.contains("B/L No.:")));
        assert!(has(&|(_, s, _)| s == "Undelivered Mail Returned to Sender"));
        // Big5 text decodes to traditional Chinese.
        assert!(has(
            &|(_, _, b)| b.contains("詢價") || b.contains("價格可以接受")
        ));
    }

    #[test]
    fn every_message_is_filed_somewhere() {
        let mut rng = Rng::new(3);
        let customers = build_customers(&mut rng);
        let mut corpus = Corpus::new(rng, customers);
        corpus.write_stories();
        for m in &corpus.mails {
            assert!(
                !placements(m).is_empty(),
                "unfiled: {} from {}",
                m.subject,
                m.from.email
            );
            assert!(
                m.date.with_timezone(&Utc) < window_end(),
                "{} after the window",
                m.subject
            );
            assert!(
                m.date.date_naive() >= first_day() - Duration::days(1),
                "{} before the window",
                m.subject
            );
        }
        let ids: Vec<&String> = corpus.mails.iter().filter_map(|m| m.id.as_ref()).collect();
        let unique: HashSet<&&String> = ids.iter().collect();
        assert_eq!(
            ids.len(),
            unique.len(),
            "Message-IDs are unique per message"
        );
    }

    #[test]
    fn encoders_round_trip() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
        let qp = quoted_printable("a=b ü \r\nnext".as_bytes());
        assert_eq!(qp, "a=3Db =C3=BC=20\r\nnext\r\n");
        let long = "x".repeat(200);
        assert!(quoted_printable(long.as_bytes())
            .lines()
            .all(|l| l.len() <= 76));
        for w in encoded_words(&"询价：LED面板灯".repeat(6), Charset::Gb2312) {
            assert!(w.len() <= 75 && w.starts_with("=?GB2312?B?"), "{w}");
        }
        assert_eq!(money(1_846_000), "18,460.00");
        assert_eq!(money(5), "0.05");
    }
}
