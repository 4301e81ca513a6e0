//! Countries and regions, for classifying customers by region (§2 "by region — domestic or
//! foreign, foreign by continent, country or region") and for guessing a lead's country from
//! its mail domain.
//!
//! The table covers every ISO 3166-1 entry (249 countries and territories). Each has its
//! English short name, its Simplified Chinese name (the names Chinese salespeople type into
//! customer lists), its UN M49 region (the "continent" of §2) and its M49 sub-region. For
//! Latin America and the Caribbean the M49 intermediate region (Caribbean, Central America,
//! South America) is used instead, because that is how an export sales team splits the
//! Americas; elsewhere the M49 sub-region is used as is ("Sub-Saharan Africa",
//! "Western Europe", "Eastern Asia"...).
//!
//! Hong Kong, Macao and Taiwan are separate customs territories with their own codes, so
//! they are separate entries (named 中国香港 / 中国澳门 / 中国台湾) and are not domestic
//! for a company whose home is CN.

use crate::customers::model::VocabError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

/// The UN M49 region a country belongs to: the "continent" that §2 classifies foreign
/// customers by and that development targets (§3) are set per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Continent {
    Africa,
    Americas,
    Asia,
    Europe,
    Oceania,
    Antarctica,
}

impl Continent {
    /// Every continent, in M49 order; for listing and reports.
    pub const ALL: &'static [Continent] = &[
        Continent::Africa,
        Continent::Americas,
        Continent::Asia,
        Continent::Europe,
        Continent::Oceania,
        Continent::Antarctica,
    ];

    /// The stable key stored in the database and printed in `--json`.
    pub fn key(self) -> &'static str {
        match self {
            Continent::Africa => "africa",
            Continent::Americas => "americas",
            Continent::Asia => "asia",
            Continent::Europe => "europe",
            Continent::Oceania => "oceania",
            Continent::Antarctica => "antarctica",
        }
    }

    /// The English name, for reports shown to people.
    pub fn name(self) -> &'static str {
        match self {
            Continent::Africa => "Africa",
            Continent::Americas => "Americas",
            Continent::Asia => "Asia",
            Continent::Europe => "Europe",
            Continent::Oceania => "Oceania",
            Continent::Antarctica => "Antarctica",
        }
    }

    /// The Chinese name, for reports shown to Chinese-speaking staff.
    pub fn name_zh(self) -> &'static str {
        match self {
            Continent::Africa => "非洲",
            Continent::Americas => "美洲",
            Continent::Asia => "亚洲",
            Continent::Europe => "欧洲",
            Continent::Oceania => "大洋洲",
            Continent::Antarctica => "南极洲",
        }
    }
}

/// Prints the stable key, like the vocabularies in [`crate::customers::model`].
impl fmt::Display for Continent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Accepts the key, the English name, the Chinese name, and the everyday split of the
/// Americas ("North America", "South America", "Latin America", 北美洲, 南美洲...).
impl FromStr for Continent {
    type Err = VocabError;

    fn from_str(s: &str) -> Result<Self, VocabError> {
        let norm = normalise(s);
        let found = match norm.as_str() {
            "africa" | "非洲" => Some(Continent::Africa),
            "americas" | "america" | "northamerica" | "southamerica" | "latinamerica"
            | "centralamerica" | "caribbean" | "美洲" | "北美洲" | "南美洲" | "北美" | "南美"
            | "拉丁美洲" | "拉美" | "中美洲" => Some(Continent::Americas),
            "asia" | "亚洲" => Some(Continent::Asia),
            "europe" | "欧洲" => Some(Continent::Europe),
            "oceania" | "大洋洲" => Some(Continent::Oceania),
            "antarctica" | "南极洲" | "南极" => Some(Continent::Antarctica),
            _ => None,
        };
        found.ok_or_else(|| VocabError {
            kind: "continent",
            value: s.trim().to_string(),
            expected: Continent::ALL
                .iter()
                .map(|c| c.key())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}

/// One ISO 3166-1 country or territory: what a customer's `country` (alpha-2) resolves to
/// when customers are classified, filtered or reported by region (§2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country {
    /// ISO 3166-1 alpha-2, upper case; what [`crate::customers::model::CustomerRecord::country`] stores.
    pub alpha2: &'static str,
    /// ISO 3166-1 alpha-3, upper case; accepted on input (customs and ERP exports use it).
    pub alpha3: &'static str,
    /// English short name, as people write it ("Germany", "South Korea").
    pub name: &'static str,
    /// Simplified Chinese name (德国, 韩国), as the company's staff write it.
    pub name_zh: &'static str,
    /// UN M49 region.
    pub continent: Continent,
    /// UN M49 sub-region ("Western Europe"); for Latin America the intermediate region
    /// ("South America", "Central America", "Caribbean").
    pub subregion: &'static str,
}

/// Builds one table line; keeps the table one short line per country.
const fn c(
    alpha2: &'static str,
    alpha3: &'static str,
    name: &'static str,
    name_zh: &'static str,
    continent: Continent,
    subregion: &'static str,
) -> Country {
    Country {
        alpha2,
        alpha3,
        name,
        name_zh,
        continent,
        subregion,
    }
}

use Continent::{Africa, Americas, Antarctica, Asia, Europe, Oceania};

/// Every ISO 3166-1 entry, sorted by alpha-2.
#[rustfmt::skip]
static COUNTRIES: [Country; 249] = [
    c("AD", "AND", "Andorra", "安道尔", Europe, "Southern Europe"),
    c("AE", "ARE", "United Arab Emirates", "阿联酋", Asia, "Western Asia"),
    c("AF", "AFG", "Afghanistan", "阿富汗", Asia, "Southern Asia"),
    c("AG", "ATG", "Antigua and Barbuda", "安提瓜和巴布达", Americas, "Caribbean"),
    c("AI", "AIA", "Anguilla", "安圭拉", Americas, "Caribbean"),
    c("AL", "ALB", "Albania", "阿尔巴尼亚", Europe, "Southern Europe"),
    c("AM", "ARM", "Armenia", "亚美尼亚", Asia, "Western Asia"),
    c("AO", "AGO", "Angola", "安哥拉", Africa, "Sub-Saharan Africa"),
    c("AQ", "ATA", "Antarctica", "南极洲", Antarctica, "Antarctica"),
    c("AR", "ARG", "Argentina", "阿根廷", Americas, "South America"),
    c("AS", "ASM", "American Samoa", "美属萨摩亚", Oceania, "Polynesia"),
    c("AT", "AUT", "Austria", "奥地利", Europe, "Western Europe"),
    c("AU", "AUS", "Australia", "澳大利亚", Oceania, "Australia and New Zealand"),
    c("AW", "ABW", "Aruba", "阿鲁巴", Americas, "Caribbean"),
    c("AX", "ALA", "Åland Islands", "奥兰群岛", Europe, "Northern Europe"),
    c("AZ", "AZE", "Azerbaijan", "阿塞拜疆", Asia, "Western Asia"),
    c("BA", "BIH", "Bosnia and Herzegovina", "波斯尼亚和黑塞哥维那", Europe, "Southern Europe"),
    c("BB", "BRB", "Barbados", "巴巴多斯", Americas, "Caribbean"),
    c("BD", "BGD", "Bangladesh", "孟加拉国", Asia, "Southern Asia"),
    c("BE", "BEL", "Belgium", "比利时", Europe, "Western Europe"),
    c("BF", "BFA", "Burkina Faso", "布基纳法索", Africa, "Sub-Saharan Africa"),
    c("BG", "BGR", "Bulgaria", "保加利亚", Europe, "Eastern Europe"),
    c("BH", "BHR", "Bahrain", "巴林", Asia, "Western Asia"),
    c("BI", "BDI", "Burundi", "布隆迪", Africa, "Sub-Saharan Africa"),
    c("BJ", "BEN", "Benin", "贝宁", Africa, "Sub-Saharan Africa"),
    c("BL", "BLM", "Saint Barthélemy", "圣巴泰勒米", Americas, "Caribbean"),
    c("BM", "BMU", "Bermuda", "百慕大", Americas, "Northern America"),
    c("BN", "BRN", "Brunei", "文莱", Asia, "South-eastern Asia"),
    c("BO", "BOL", "Bolivia", "玻利维亚", Americas, "South America"),
    c("BQ", "BES", "Bonaire, Sint Eustatius and Saba", "荷兰加勒比区", Americas, "Caribbean"),
    c("BR", "BRA", "Brazil", "巴西", Americas, "South America"),
    c("BS", "BHS", "Bahamas", "巴哈马", Americas, "Caribbean"),
    c("BT", "BTN", "Bhutan", "不丹", Asia, "Southern Asia"),
    c("BV", "BVT", "Bouvet Island", "布韦岛", Americas, "South America"),
    c("BW", "BWA", "Botswana", "博茨瓦纳", Africa, "Sub-Saharan Africa"),
    c("BY", "BLR", "Belarus", "白俄罗斯", Europe, "Eastern Europe"),
    c("BZ", "BLZ", "Belize", "伯利兹", Americas, "Central America"),
    c("CA", "CAN", "Canada", "加拿大", Americas, "Northern America"),
    c("CC", "CCK", "Cocos (Keeling) Islands", "科科斯（基林）群岛", Oceania, "Australia and New Zealand"),
    c("CD", "COD", "Democratic Republic of the Congo", "刚果（金）", Africa, "Sub-Saharan Africa"),
    c("CF", "CAF", "Central African Republic", "中非", Africa, "Sub-Saharan Africa"),
    c("CG", "COG", "Republic of the Congo", "刚果（布）", Africa, "Sub-Saharan Africa"),
    c("CH", "CHE", "Switzerland", "瑞士", Europe, "Western Europe"),
    c("CI", "CIV", "Côte d'Ivoire", "科特迪瓦", Africa, "Sub-Saharan Africa"),
    c("CK", "COK", "Cook Islands", "库克群岛", Oceania, "Polynesia"),
    c("CL", "CHL", "Chile", "智利", Americas, "South America"),
    c("CM", "CMR", "Cameroon", "喀麦隆", Africa, "Sub-Saharan Africa"),
    c("CN", "CHN", "China", "中国", Asia, "Eastern Asia"),
    c("CO", "COL", "Colombia", "哥伦比亚", Americas, "South America"),
    c("CR", "CRI", "Costa Rica", "哥斯达黎加", Americas, "Central America"),
    c("CU", "CUB", "Cuba", "古巴", Americas, "Caribbean"),
    c("CV", "CPV", "Cabo Verde", "佛得角", Africa, "Sub-Saharan Africa"),
    c("CW", "CUW", "Curaçao", "库拉索", Americas, "Caribbean"),
    c("CX", "CXR", "Christmas Island", "圣诞岛", Oceania, "Australia and New Zealand"),
    c("CY", "CYP", "Cyprus", "塞浦路斯", Asia, "Western Asia"),
    c("CZ", "CZE", "Czechia", "捷克", Europe, "Eastern Europe"),
    c("DE", "DEU", "Germany", "德国", Europe, "Western Europe"),
    c("DJ", "DJI", "Djibouti", "吉布提", Africa, "Sub-Saharan Africa"),
    c("DK", "DNK", "Denmark", "丹麦", Europe, "Northern Europe"),
    c("DM", "DMA", "Dominica", "多米尼克", Americas, "Caribbean"),
    c("DO", "DOM", "Dominican Republic", "多米尼加", Americas, "Caribbean"),
    c("DZ", "DZA", "Algeria", "阿尔及利亚", Africa, "Northern Africa"),
    c("EC", "ECU", "Ecuador", "厄瓜多尔", Americas, "South America"),
    c("EE", "EST", "Estonia", "爱沙尼亚", Europe, "Northern Europe"),
    c("EG", "EGY", "Egypt", "埃及", Africa, "Northern Africa"),
    c("EH", "ESH", "Western Sahara", "西撒哈拉", Africa, "Northern Africa"),
    c("ER", "ERI", "Eritrea", "厄立特里亚", Africa, "Sub-Saharan Africa"),
    c("ES", "ESP", "Spain", "西班牙", Europe, "Southern Europe"),
    c("ET", "ETH", "Ethiopia", "埃塞俄比亚", Africa, "Sub-Saharan Africa"),
    c("FI", "FIN", "Finland", "芬兰", Europe, "Northern Europe"),
    c("FJ", "FJI", "Fiji", "斐济", Oceania, "Melanesia"),
    c("FK", "FLK", "Falkland Islands", "福克兰群岛", Americas, "South America"),
    c("FM", "FSM", "Micronesia", "密克罗尼西亚联邦", Oceania, "Micronesia"),
    c("FO", "FRO", "Faroe Islands", "法罗群岛", Europe, "Northern Europe"),
    c("FR", "FRA", "France", "法国", Europe, "Western Europe"),
    c("GA", "GAB", "Gabon", "加蓬", Africa, "Sub-Saharan Africa"),
    c("GB", "GBR", "United Kingdom", "英国", Europe, "Northern Europe"),
    c("GD", "GRD", "Grenada", "格林纳达", Americas, "Caribbean"),
    c("GE", "GEO", "Georgia", "格鲁吉亚", Asia, "Western Asia"),
    c("GF", "GUF", "French Guiana", "法属圭亚那", Americas, "South America"),
    c("GG", "GGY", "Guernsey", "根西", Europe, "Northern Europe"),
    c("GH", "GHA", "Ghana", "加纳", Africa, "Sub-Saharan Africa"),
    c("GI", "GIB", "Gibraltar", "直布罗陀", Europe, "Southern Europe"),
    c("GL", "GRL", "Greenland", "格陵兰", Americas, "Northern America"),
    c("GM", "GMB", "Gambia", "冈比亚", Africa, "Sub-Saharan Africa"),
    c("GN", "GIN", "Guinea", "几内亚", Africa, "Sub-Saharan Africa"),
    c("GP", "GLP", "Guadeloupe", "瓜德罗普", Americas, "Caribbean"),
    c("GQ", "GNQ", "Equatorial Guinea", "赤道几内亚", Africa, "Sub-Saharan Africa"),
    c("GR", "GRC", "Greece", "希腊", Europe, "Southern Europe"),
    c("GS", "SGS", "South Georgia and the South Sandwich Islands", "南乔治亚和南桑威奇群岛", Americas, "South America"),
    c("GT", "GTM", "Guatemala", "危地马拉", Americas, "Central America"),
    c("GU", "GUM", "Guam", "关岛", Oceania, "Micronesia"),
    c("GW", "GNB", "Guinea-Bissau", "几内亚比绍", Africa, "Sub-Saharan Africa"),
    c("GY", "GUY", "Guyana", "圭亚那", Americas, "South America"),
    c("HK", "HKG", "Hong Kong", "中国香港", Asia, "Eastern Asia"),
    c("HM", "HMD", "Heard Island and McDonald Islands", "赫德岛和麦克唐纳群岛", Oceania, "Australia and New Zealand"),
    c("HN", "HND", "Honduras", "洪都拉斯", Americas, "Central America"),
    c("HR", "HRV", "Croatia", "克罗地亚", Europe, "Southern Europe"),
    c("HT", "HTI", "Haiti", "海地", Americas, "Caribbean"),
    c("HU", "HUN", "Hungary", "匈牙利", Europe, "Eastern Europe"),
    c("ID", "IDN", "Indonesia", "印度尼西亚", Asia, "South-eastern Asia"),
    c("IE", "IRL", "Ireland", "爱尔兰", Europe, "Northern Europe"),
    c("IL", "ISR", "Israel", "以色列", Asia, "Western Asia"),
    c("IM", "IMN", "Isle of Man", "马恩岛", Europe, "Northern Europe"),
    c("IN", "IND", "India", "印度", Asia, "Southern Asia"),
    c("IO", "IOT", "British Indian Ocean Territory", "英属印度洋领地", Africa, "Sub-Saharan Africa"),
    c("IQ", "IRQ", "Iraq", "伊拉克", Asia, "Western Asia"),
    c("IR", "IRN", "Iran", "伊朗", Asia, "Southern Asia"),
    c("IS", "ISL", "Iceland", "冰岛", Europe, "Northern Europe"),
    c("IT", "ITA", "Italy", "意大利", Europe, "Southern Europe"),
    c("JE", "JEY", "Jersey", "泽西", Europe, "Northern Europe"),
    c("JM", "JAM", "Jamaica", "牙买加", Americas, "Caribbean"),
    c("JO", "JOR", "Jordan", "约旦", Asia, "Western Asia"),
    c("JP", "JPN", "Japan", "日本", Asia, "Eastern Asia"),
    c("KE", "KEN", "Kenya", "肯尼亚", Africa, "Sub-Saharan Africa"),
    c("KG", "KGZ", "Kyrgyzstan", "吉尔吉斯斯坦", Asia, "Central Asia"),
    c("KH", "KHM", "Cambodia", "柬埔寨", Asia, "South-eastern Asia"),
    c("KI", "KIR", "Kiribati", "基里巴斯", Oceania, "Micronesia"),
    c("KM", "COM", "Comoros", "科摩罗", Africa, "Sub-Saharan Africa"),
    c("KN", "KNA", "Saint Kitts and Nevis", "圣基茨和尼维斯", Americas, "Caribbean"),
    c("KP", "PRK", "North Korea", "朝鲜", Asia, "Eastern Asia"),
    c("KR", "KOR", "South Korea", "韩国", Asia, "Eastern Asia"),
    c("KW", "KWT", "Kuwait", "科威特", Asia, "Western Asia"),
    c("KY", "CYM", "Cayman Islands", "开曼群岛", Americas, "Caribbean"),
    c("KZ", "KAZ", "Kazakhstan", "哈萨克斯坦", Asia, "Central Asia"),
    c("LA", "LAO", "Laos", "老挝", Asia, "South-eastern Asia"),
    c("LB", "LBN", "Lebanon", "黎巴嫩", Asia, "Western Asia"),
    c("LC", "LCA", "Saint Lucia", "圣卢西亚", Americas, "Caribbean"),
    c("LI", "LIE", "Liechtenstein", "列支敦士登", Europe, "Western Europe"),
    c("LK", "LKA", "Sri Lanka", "斯里兰卡", Asia, "Southern Asia"),
    c("LR", "LBR", "Liberia", "利比里亚", Africa, "Sub-Saharan Africa"),
    c("LS", "LSO", "Lesotho", "莱索托", Africa, "Sub-Saharan Africa"),
    c("LT", "LTU", "Lithuania", "立陶宛", Europe, "Northern Europe"),
    c("LU", "LUX", "Luxembourg", "卢森堡", Europe, "Western Europe"),
    c("LV", "LVA", "Latvia", "拉脱维亚", Europe, "Northern Europe"),
    c("LY", "LBY", "Libya", "利比亚", Africa, "Northern Africa"),
    c("MA", "MAR", "Morocco", "摩洛哥", Africa, "Northern Africa"),
    c("MC", "MCO", "Monaco", "摩纳哥", Europe, "Western Europe"),
    c("MD", "MDA", "Moldova", "摩尔多瓦", Europe, "Eastern Europe"),
    c("ME", "MNE", "Montenegro", "黑山", Europe, "Southern Europe"),
    c("MF", "MAF", "Saint Martin (French part)", "法属圣马丁", Americas, "Caribbean"),
    c("MG", "MDG", "Madagascar", "马达加斯加", Africa, "Sub-Saharan Africa"),
    c("MH", "MHL", "Marshall Islands", "马绍尔群岛", Oceania, "Micronesia"),
    c("MK", "MKD", "North Macedonia", "北马其顿", Europe, "Southern Europe"),
    c("ML", "MLI", "Mali", "马里", Africa, "Sub-Saharan Africa"),
    c("MM", "MMR", "Myanmar", "缅甸", Asia, "South-eastern Asia"),
    c("MN", "MNG", "Mongolia", "蒙古", Asia, "Eastern Asia"),
    c("MO", "MAC", "Macao", "中国澳门", Asia, "Eastern Asia"),
    c("MP", "MNP", "Northern Mariana Islands", "北马里亚纳群岛", Oceania, "Micronesia"),
    c("MQ", "MTQ", "Martinique", "马提尼克", Americas, "Caribbean"),
    c("MR", "MRT", "Mauritania", "毛里塔尼亚", Africa, "Sub-Saharan Africa"),
    c("MS", "MSR", "Montserrat", "蒙特塞拉特", Americas, "Caribbean"),
    c("MT", "MLT", "Malta", "马耳他", Europe, "Southern Europe"),
    c("MU", "MUS", "Mauritius", "毛里求斯", Africa, "Sub-Saharan Africa"),
    c("MV", "MDV", "Maldives", "马尔代夫", Asia, "Southern Asia"),
    c("MW", "MWI", "Malawi", "马拉维", Africa, "Sub-Saharan Africa"),
    c("MX", "MEX", "Mexico", "墨西哥", Americas, "Central America"),
    c("MY", "MYS", "Malaysia", "马来西亚", Asia, "South-eastern Asia"),
    c("MZ", "MOZ", "Mozambique", "莫桑比克", Africa, "Sub-Saharan Africa"),
    c("NA", "NAM", "Namibia", "纳米比亚", Africa, "Sub-Saharan Africa"),
    c("NC", "NCL", "New Caledonia", "新喀里多尼亚", Oceania, "Melanesia"),
    c("NE", "NER", "Niger", "尼日尔", Africa, "Sub-Saharan Africa"),
    c("NF", "NFK", "Norfolk Island", "诺福克岛", Oceania, "Australia and New Zealand"),
    c("NG", "NGA", "Nigeria", "尼日利亚", Africa, "Sub-Saharan Africa"),
    c("NI", "NIC", "Nicaragua", "尼加拉瓜", Americas, "Central America"),
    c("NL", "NLD", "Netherlands", "荷兰", Europe, "Western Europe"),
    c("NO", "NOR", "Norway", "挪威", Europe, "Northern Europe"),
    c("NP", "NPL", "Nepal", "尼泊尔", Asia, "Southern Asia"),
    c("NR", "NRU", "Nauru", "瑙鲁", Oceania, "Micronesia"),
    c("NU", "NIU", "Niue", "纽埃", Oceania, "Polynesia"),
    c("NZ", "NZL", "New Zealand", "新西兰", Oceania, "Australia and New Zealand"),
    c("OM", "OMN", "Oman", "阿曼", Asia, "Western Asia"),
    c("PA", "PAN", "Panama", "巴拿马", Americas, "Central America"),
    c("PE", "PER", "Peru", "秘鲁", Americas, "South America"),
    c("PF", "PYF", "French Polynesia", "法属波利尼西亚", Oceania, "Polynesia"),
    c("PG", "PNG", "Papua New Guinea", "巴布亚新几内亚", Oceania, "Melanesia"),
    c("PH", "PHL", "Philippines", "菲律宾", Asia, "South-eastern Asia"),
    c("PK", "PAK", "Pakistan", "巴基斯坦", Asia, "Southern Asia"),
    c("PL", "POL", "Poland", "波兰", Europe, "Eastern Europe"),
    c("PM", "SPM", "Saint Pierre and Miquelon", "圣皮埃尔和密克隆", Americas, "Northern America"),
    c("PN", "PCN", "Pitcairn Islands", "皮特凯恩群岛", Oceania, "Polynesia"),
    c("PR", "PRI", "Puerto Rico", "波多黎各", Americas, "Caribbean"),
    c("PS", "PSE", "Palestine", "巴勒斯坦", Asia, "Western Asia"),
    c("PT", "PRT", "Portugal", "葡萄牙", Europe, "Southern Europe"),
    c("PW", "PLW", "Palau", "帕劳", Oceania, "Micronesia"),
    c("PY", "PRY", "Paraguay", "巴拉圭", Americas, "South America"),
    c("QA", "QAT", "Qatar", "卡塔尔", Asia, "Western Asia"),
    c("RE", "REU", "Réunion", "留尼汪", Africa, "Sub-Saharan Africa"),
    c("RO", "ROU", "Romania", "罗马尼亚", Europe, "Eastern Europe"),
    c("RS", "SRB", "Serbia", "塞尔维亚", Europe, "Southern Europe"),
    c("RU", "RUS", "Russia", "俄罗斯", Europe, "Eastern Europe"),
    c("RW", "RWA", "Rwanda", "卢旺达", Africa, "Sub-Saharan Africa"),
    c("SA", "SAU", "Saudi Arabia", "沙特阿拉伯", Asia, "Western Asia"),
    c("SB", "SLB", "Solomon Islands", "所罗门群岛", Oceania, "Melanesia"),
    c("SC", "SYC", "Seychelles", "塞舌尔", Africa, "Sub-Saharan Africa"),
    c("SD", "SDN", "Sudan", "苏丹", Africa, "Northern Africa"),
    c("SE", "SWE", "Sweden", "瑞典", Europe, "Northern Europe"),
    c("SG", "SGP", "Singapore", "新加坡", Asia, "South-eastern Asia"),
    c("SH", "SHN", "Saint Helena, Ascension and Tristan da Cunha", "圣赫勒拿", Africa, "Sub-Saharan Africa"),
    c("SI", "SVN", "Slovenia", "斯洛文尼亚", Europe, "Southern Europe"),
    c("SJ", "SJM", "Svalbard and Jan Mayen", "斯瓦尔巴和扬马延", Europe, "Northern Europe"),
    c("SK", "SVK", "Slovakia", "斯洛伐克", Europe, "Eastern Europe"),
    c("SL", "SLE", "Sierra Leone", "塞拉利昂", Africa, "Sub-Saharan Africa"),
    c("SM", "SMR", "San Marino", "圣马力诺", Europe, "Southern Europe"),
    c("SN", "SEN", "Senegal", "塞内加尔", Africa, "Sub-Saharan Africa"),
    c("SO", "SOM", "Somalia", "索马里", Africa, "Sub-Saharan Africa"),
    c("SR", "SUR", "Suriname", "苏里南", Americas, "South America"),
    c("SS", "SSD", "South Sudan", "南苏丹", Africa, "Sub-Saharan Africa"),
    c("ST", "STP", "São Tomé and Príncipe", "圣多美和普林西比", Africa, "Sub-Saharan Africa"),
    c("SV", "SLV", "El Salvador", "萨尔瓦多", Americas, "Central America"),
    c("SX", "SXM", "Sint Maarten (Dutch part)", "荷属圣马丁", Americas, "Caribbean"),
    c("SY", "SYR", "Syria", "叙利亚", Asia, "Western Asia"),
    c("SZ", "SWZ", "Eswatini", "斯威士兰", Africa, "Sub-Saharan Africa"),
    c("TC", "TCA", "Turks and Caicos Islands", "特克斯和凯科斯群岛", Americas, "Caribbean"),
    c("TD", "TCD", "Chad", "乍得", Africa, "Sub-Saharan Africa"),
    c("TF", "ATF", "French Southern Territories", "法属南部领地", Africa, "Sub-Saharan Africa"),
    c("TG", "TGO", "Togo", "多哥", Africa, "Sub-Saharan Africa"),
    c("TH", "THA", "Thailand", "泰国", Asia, "South-eastern Asia"),
    c("TJ", "TJK", "Tajikistan", "塔吉克斯坦", Asia, "Central Asia"),
    c("TK", "TKL", "Tokelau", "托克劳", Oceania, "Polynesia"),
    c("TL", "TLS", "Timor-Leste", "东帝汶", Asia, "South-eastern Asia"),
    c("TM", "TKM", "Turkmenistan", "土库曼斯坦", Asia, "Central Asia"),
    c("TN", "TUN", "Tunisia", "突尼斯", Africa, "Northern Africa"),
    c("TO", "TON", "Tonga", "汤加", Oceania, "Polynesia"),
    c("TR", "TUR", "Türkiye", "土耳其", Asia, "Western Asia"),
    c("TT", "TTO", "Trinidad and Tobago", "特立尼达和多巴哥", Americas, "Caribbean"),
    c("TV", "TUV", "Tuvalu", "图瓦卢", Oceania, "Polynesia"),
    c("TW", "TWN", "Taiwan", "中国台湾", Asia, "Eastern Asia"),
    c("TZ", "TZA", "Tanzania", "坦桑尼亚", Africa, "Sub-Saharan Africa"),
    c("UA", "UKR", "Ukraine", "乌克兰", Europe, "Eastern Europe"),
    c("UG", "UGA", "Uganda", "乌干达", Africa, "Sub-Saharan Africa"),
    c("UM", "UMI", "United States Minor Outlying Islands", "美国本土外小岛屿", Oceania, "Micronesia"),
    c("US", "USA", "United States", "美国", Americas, "Northern America"),
    c("UY", "URY", "Uruguay", "乌拉圭", Americas, "South America"),
    c("UZ", "UZB", "Uzbekistan", "乌兹别克斯坦", Asia, "Central Asia"),
    c("VA", "VAT", "Vatican City", "梵蒂冈", Europe, "Southern Europe"),
    c("VC", "VCT", "Saint Vincent and the Grenadines", "圣文森特和格林纳丁斯", Americas, "Caribbean"),
    c("VE", "VEN", "Venezuela", "委内瑞拉", Americas, "South America"),
    c("VG", "VGB", "British Virgin Islands", "英属维尔京群岛", Americas, "Caribbean"),
    c("VI", "VIR", "U.S. Virgin Islands", "美属维尔京群岛", Americas, "Caribbean"),
    c("VN", "VNM", "Vietnam", "越南", Asia, "South-eastern Asia"),
    c("VU", "VUT", "Vanuatu", "瓦努阿图", Oceania, "Melanesia"),
    c("WF", "WLF", "Wallis and Futuna", "瓦利斯和富图纳", Oceania, "Polynesia"),
    c("WS", "WSM", "Samoa", "萨摩亚", Oceania, "Polynesia"),
    c("YE", "YEM", "Yemen", "也门", Asia, "Western Asia"),
    c("YT", "MYT", "Mayotte", "马约特", Africa, "Sub-Saharan Africa"),
    c("ZA", "ZAF", "South Africa", "南非", Africa, "Sub-Saharan Africa"),
    c("ZM", "ZMB", "Zambia", "赞比亚", Africa, "Sub-Saharan Africa"),
    c("ZW", "ZWE", "Zimbabwe", "津巴布韦", Africa, "Sub-Saharan Africa"),
];

/// Other spellings of country names (everyday English, ISO's formal names, native and
/// Chinese variants) that customer lists use, each with the alpha-2 code it means.
static ALIASES: &[(&str, &str)] = &[
    ("USA", "US"),
    ("U.S.", "US"),
    ("America", "US"),
    ("United States of America", "US"),
    ("美利坚合众国", "US"),
    ("美國", "US"),
    ("U.K.", "GB"),
    ("Great Britain", "GB"),
    ("Britain", "GB"),
    ("England", "GB"),
    ("Scotland", "GB"),
    ("Wales", "GB"),
    ("Northern Ireland", "GB"),
    ("英格兰", "GB"),
    ("大不列颠", "GB"),
    ("英國", "GB"),
    ("Russian Federation", "RU"),
    ("俄国", "RU"),
    ("俄罗斯联邦", "RU"),
    ("Korea", "KR"),
    ("Republic of Korea", "KR"),
    ("Korea (South)", "KR"),
    ("S. Korea", "KR"),
    ("南韩", "KR"),
    ("大韩民国", "KR"),
    ("韓國", "KR"),
    ("DPRK", "KP"),
    ("Korea (North)", "KP"),
    ("N. Korea", "KP"),
    ("北韩", "KP"),
    ("UAE", "AE"),
    ("Emirates", "AE"),
    ("Dubai", "AE"),
    ("阿拉伯联合酋长国", "AE"),
    ("迪拜", "AE"),
    ("Turkey", "TR"),
    ("Republic of Türkiye", "TR"),
    ("Czech Republic", "CZ"),
    ("Czech", "CZ"),
    ("捷克共和国", "CZ"),
    ("Holland", "NL"),
    ("Nederland", "NL"),
    ("PRC", "CN"),
    ("P.R. China", "CN"),
    ("People's Republic of China", "CN"),
    ("Mainland China", "CN"),
    ("中华人民共和国", "CN"),
    ("中国大陆", "CN"),
    ("大陆", "CN"),
    ("内地", "CN"),
    ("香港", "HK"),
    ("Hong Kong SAR", "HK"),
    ("HKSAR", "HK"),
    ("香港特别行政区", "HK"),
    ("中国香港特别行政区", "HK"),
    ("Macau", "MO"),
    ("澳门", "MO"),
    ("Macao SAR", "MO"),
    ("澳门特别行政区", "MO"),
    ("中国澳门特别行政区", "MO"),
    ("台湾", "TW"),
    ("Chinese Taipei", "TW"),
    ("台湾省", "TW"),
    ("中国台湾省", "TW"),
    ("KSA", "SA"),
    ("Saudi", "SA"),
    ("沙特", "SA"),
    ("印尼", "ID"),
    ("Bosnia", "BA"),
    ("BiH", "BA"),
    ("波黑", "BA"),
    ("DR Congo", "CD"),
    ("DRC", "CD"),
    ("Congo-Kinshasa", "CD"),
    ("刚果民主共和国", "CD"),
    ("Congo", "CG"),
    ("Congo-Brazzaville", "CG"),
    ("刚果共和国", "CG"),
    ("刚果", "CG"),
    ("Ivory Coast", "CI"),
    ("象牙海岸", "CI"),
    ("Cape Verde", "CV"),
    ("Swaziland", "SZ"),
    ("埃斯瓦蒂尼", "SZ"),
    ("Macedonia", "MK"),
    ("马其顿", "MK"),
    ("East Timor", "TL"),
    ("Burma", "MM"),
    ("Holy See", "VA"),
    ("Vatican", "VA"),
    ("教廷", "VA"),
    ("Lao PDR", "LA"),
    ("Persia", "IR"),
    ("孟加拉", "BD"),
    ("蒙古国", "MN"),
    ("中非共和国", "CF"),
    ("多米尼加共和国", "DO"),
    ("Deutschland", "DE"),
    ("Federal Republic of Germany", "DE"),
    ("España", "ES"),
    ("Italia", "IT"),
    ("Brasil", "BR"),
    ("Österreich", "AT"),
    ("Schweiz", "CH"),
    ("Suisse", "CH"),
    ("Svizzera", "CH"),
    ("Polska", "PL"),
    ("Sverige", "SE"),
    ("Norge", "NO"),
    ("Danmark", "DK"),
    ("Suomi", "FI"),
    ("澳洲", "AU"),
    ("Malvinas", "FK"),
    ("Caribbean Netherlands", "BQ"),
    ("Saint Helena", "SH"),
    ("Saint Martin", "MF"),
    ("Sint Maarten", "SX"),
    ("Pitcairn", "PN"),
    ("Islamic Republic of Afghanistan", "AF"),
    ("Republic of Angola", "AO"),
    ("Republic of Albania", "AL"),
    ("Principality of Andorra", "AD"),
    ("Argentine Republic", "AR"),
    ("Republic of Armenia", "AM"),
    ("Republic of Austria", "AT"),
    ("Republic of Azerbaijan", "AZ"),
    ("Republic of Burundi", "BI"),
    ("Kingdom of Belgium", "BE"),
    ("Republic of Benin", "BJ"),
    ("People's Republic of Bangladesh", "BD"),
    ("Republic of Bulgaria", "BG"),
    ("Kingdom of Bahrain", "BH"),
    ("Commonwealth of the Bahamas", "BS"),
    ("Republic of Bosnia and Herzegovina", "BA"),
    ("Republic of Belarus", "BY"),
    ("Bolivia, Plurinational State of", "BO"),
    ("Plurinational State of Bolivia", "BO"),
    ("Federative Republic of Brazil", "BR"),
    ("Brunei Darussalam", "BN"),
    ("Kingdom of Bhutan", "BT"),
    ("Republic of Botswana", "BW"),
    ("Swiss Confederation", "CH"),
    ("Republic of Chile", "CL"),
    ("Republic of Côte d'Ivoire", "CI"),
    ("Republic of Cameroon", "CM"),
    ("Congo, The Democratic Republic of the", "CD"),
    ("Republic of Colombia", "CO"),
    ("Union of the Comoros", "KM"),
    ("Republic of Cabo Verde", "CV"),
    ("Republic of Costa Rica", "CR"),
    ("Republic of Cuba", "CU"),
    ("Republic of Cyprus", "CY"),
    ("Republic of Djibouti", "DJ"),
    ("Commonwealth of Dominica", "DM"),
    ("Kingdom of Denmark", "DK"),
    ("People's Democratic Republic of Algeria", "DZ"),
    ("Republic of Ecuador", "EC"),
    ("Arab Republic of Egypt", "EG"),
    ("the State of Eritrea", "ER"),
    ("Kingdom of Spain", "ES"),
    ("Republic of Estonia", "EE"),
    ("Federal Democratic Republic of Ethiopia", "ET"),
    ("Republic of Finland", "FI"),
    ("Republic of Fiji", "FJ"),
    ("Falkland Islands (Malvinas)", "FK"),
    ("French Republic", "FR"),
    ("Micronesia, Federated States of", "FM"),
    ("Federated States of Micronesia", "FM"),
    ("Gabonese Republic", "GA"),
    ("United Kingdom of Great Britain and Northern Ireland", "GB"),
    ("Republic of Ghana", "GH"),
    ("Republic of Guinea", "GN"),
    ("Republic of the Gambia", "GM"),
    ("Republic of Guinea-Bissau", "GW"),
    ("Republic of Equatorial Guinea", "GQ"),
    ("Hellenic Republic", "GR"),
    ("Republic of Guatemala", "GT"),
    ("Republic of Guyana", "GY"),
    ("Hong Kong Special Administrative Region of China", "HK"),
    ("Republic of Honduras", "HN"),
    ("Republic of Croatia", "HR"),
    ("Republic of Haiti", "HT"),
    ("Republic of Indonesia", "ID"),
    ("Republic of India", "IN"),
    ("Iran, Islamic Republic of", "IR"),
    ("Islamic Republic of Iran", "IR"),
    ("Republic of Iraq", "IQ"),
    ("Republic of Iceland", "IS"),
    ("State of Israel", "IL"),
    ("Italian Republic", "IT"),
    ("Hashemite Kingdom of Jordan", "JO"),
    ("Republic of Kazakhstan", "KZ"),
    ("Republic of Kenya", "KE"),
    ("Kyrgyz Republic", "KG"),
    ("Kingdom of Cambodia", "KH"),
    ("Republic of Kiribati", "KI"),
    ("Korea, Republic of", "KR"),
    ("State of Kuwait", "KW"),
    ("Lao People's Democratic Republic", "LA"),
    ("Lebanese Republic", "LB"),
    ("Republic of Liberia", "LR"),
    ("Principality of Liechtenstein", "LI"),
    ("Democratic Socialist Republic of Sri Lanka", "LK"),
    ("Kingdom of Lesotho", "LS"),
    ("Republic of Lithuania", "LT"),
    ("Grand Duchy of Luxembourg", "LU"),
    ("Republic of Latvia", "LV"),
    ("Macao Special Administrative Region of China", "MO"),
    ("Kingdom of Morocco", "MA"),
    ("Principality of Monaco", "MC"),
    ("Moldova, Republic of", "MD"),
    ("Republic of Moldova", "MD"),
    ("Republic of Madagascar", "MG"),
    ("Republic of Maldives", "MV"),
    ("United Mexican States", "MX"),
    ("Republic of the Marshall Islands", "MH"),
    ("Republic of North Macedonia", "MK"),
    ("Republic of Mali", "ML"),
    ("Republic of Malta", "MT"),
    ("Republic of Myanmar", "MM"),
    ("Commonwealth of the Northern Mariana Islands", "MP"),
    ("Republic of Mozambique", "MZ"),
    ("Islamic Republic of Mauritania", "MR"),
    ("Republic of Mauritius", "MU"),
    ("Republic of Malawi", "MW"),
    ("Republic of Namibia", "NA"),
    ("Republic of the Niger", "NE"),
    ("Federal Republic of Nigeria", "NG"),
    ("Republic of Nicaragua", "NI"),
    ("Kingdom of the Netherlands", "NL"),
    ("Kingdom of Norway", "NO"),
    ("Federal Democratic Republic of Nepal", "NP"),
    ("Republic of Nauru", "NR"),
    ("Sultanate of Oman", "OM"),
    ("Islamic Republic of Pakistan", "PK"),
    ("Republic of Panama", "PA"),
    ("Republic of Peru", "PE"),
    ("Republic of the Philippines", "PH"),
    ("Republic of Palau", "PW"),
    ("Independent State of Papua New Guinea", "PG"),
    ("Republic of Poland", "PL"),
    ("Korea, Democratic People's Republic of", "KP"),
    ("Democratic People's Republic of Korea", "KP"),
    ("Portuguese Republic", "PT"),
    ("Republic of Paraguay", "PY"),
    ("Palestine, State of", "PS"),
    ("the State of Palestine", "PS"),
    ("State of Qatar", "QA"),
    ("Rwandese Republic", "RW"),
    ("Kingdom of Saudi Arabia", "SA"),
    ("Republic of the Sudan", "SD"),
    ("Republic of Senegal", "SN"),
    ("Republic of Singapore", "SG"),
    ("Republic of Sierra Leone", "SL"),
    ("Republic of El Salvador", "SV"),
    ("Republic of San Marino", "SM"),
    ("Federal Republic of Somalia", "SO"),
    ("Republic of Serbia", "RS"),
    ("Republic of South Sudan", "SS"),
    ("Democratic Republic of Sao Tome and Principe", "ST"),
    ("Republic of Suriname", "SR"),
    ("Slovak Republic", "SK"),
    ("Republic of Slovenia", "SI"),
    ("Kingdom of Sweden", "SE"),
    ("Kingdom of Eswatini", "SZ"),
    ("Republic of Seychelles", "SC"),
    ("Syrian Arab Republic", "SY"),
    ("Republic of Chad", "TD"),
    ("Togolese Republic", "TG"),
    ("Kingdom of Thailand", "TH"),
    ("Republic of Tajikistan", "TJ"),
    ("Democratic Republic of Timor-Leste", "TL"),
    ("Kingdom of Tonga", "TO"),
    ("Republic of Trinidad and Tobago", "TT"),
    ("Republic of Tunisia", "TN"),
    ("Taiwan, Province of China", "TW"),
    ("Tanzania, United Republic of", "TZ"),
    ("United Republic of Tanzania", "TZ"),
    ("Republic of Uganda", "UG"),
    ("Eastern Republic of Uruguay", "UY"),
    ("Republic of Uzbekistan", "UZ"),
    ("Holy See (Vatican City State)", "VA"),
    ("Venezuela, Bolivarian Republic of", "VE"),
    ("Bolivarian Republic of Venezuela", "VE"),
    ("Virgin Islands, British", "VG"),
    ("Virgin Islands, U.S.", "VI"),
    ("Virgin Islands of the United States", "VI"),
    ("Socialist Republic of Viet Nam", "VN"),
    ("Republic of Vanuatu", "VU"),
    ("Independent State of Samoa", "WS"),
    ("Republic of Yemen", "YE"),
    ("Republic of South Africa", "ZA"),
    ("Republic of Zambia", "ZM"),
    ("Republic of Zimbabwe", "ZW"),
];

/// All countries and territories, sorted by alpha-2; for listings and pickers.
pub fn all() -> &'static [Country] {
    &COUNTRIES
}

/// Looks a country up by its ISO alpha-2 code (any case, surrounding spaces ignored), the
/// form customer records store.
pub fn by_code(code: &str) -> Option<&'static Country> {
    let code = code.trim();
    if code.len() != 2 || !code.is_ascii() {
        return None;
    }
    let upper = code.to_ascii_uppercase();
    COUNTRIES
        .binary_search_by(|c| c.alpha2.cmp(upper.as_str()))
        .ok()
        .map(|i| &COUNTRIES[i])
}

/// Reads a country as people write it in customer lists and forms: an alpha-2 or alpha-3
/// code, the English name or a common alias ("USA", "UK", "Russia", "South Korea", "UAE",
/// "Turkey", "Czech Republic", ISO's formal names...), or the Chinese name (美国, 阿联酋,
/// 香港...). Case, accents, punctuation and spacing do not matter.
pub fn parse_country(s: &str) -> Option<&'static Country> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(c) = by_code(s) {
        return Some(c);
    }
    if s.len() == 3 && s.chars().all(|ch| ch.is_ascii_alphabetic()) {
        let upper = s.to_ascii_uppercase();
        if let Some(c) = COUNTRIES.iter().find(|c| c.alpha3 == upper) {
            return Some(c);
        }
    }
    let key = normalise(s);
    name_index().get(key.as_str()).map(|&i| &COUNTRIES[i])
}

/// Whether a customer's country is the company's home country, i.e. a domestic customer in
/// the §2 "domestic or foreign" class. Both sides go through [`parse_country`]; an unknown
/// country on either side is not domestic. Hong Kong, Macao and Taiwan are their own
/// entries, so they count as foreign for home "CN" (as they do for customs).
pub fn is_domestic(country: &str, home: &str) -> bool {
    match (parse_country(country), parse_country(home)) {
        (Some(a), Some(b)) => a.alpha2 == b.alpha2,
        _ => false,
    }
}

/// Country-code TLDs that are sold worldwide as generic names (.io, .co, .ai, .me, .tv...):
/// a domain under them says nothing about where the company is.
const VANITY_TLDS: &[&str] = &[
    "ai", "cc", "co", "fm", "gg", "io", "la", "me", "nu", "tk", "to", "tv", "ws",
];

/// Guesses a lead's country from a mail or web domain by its country-code TLD: "acme.de" →
/// DE, "acme.co.uk" → GB, "acme.com.br" → BR. Accepts a whole address ("a@b.fr") or a URL
/// host. Generic TLDs (.com, .org, .eu...) and ccTLDs marketed as generic (.io, .co, .ai,
/// .me, .tv...) give `None`.
pub fn country_from_domain(domain: &str) -> Option<&'static Country> {
    let d = domain.trim();
    let d = d.rsplit('@').next().unwrap_or(d);
    let d = d.trim_matches('.').to_ascii_lowercase();
    let tld = d.rsplit('.').next()?;
    match tld {
        "uk" => by_code("GB"),
        t if t.len() == 2 && !VANITY_TLDS.contains(&t) => by_code(t),
        _ => None,
    }
}

/// The name → table index map behind [`parse_country`]: English and Chinese names plus
/// [`ALIASES`], under [`normalise`].
fn name_index() -> &'static HashMap<String, usize> {
    static INDEX: OnceLock<HashMap<String, usize>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map = HashMap::new();
        for (i, c) in COUNTRIES.iter().enumerate() {
            map.insert(normalise(c.name), i);
            map.insert(normalise(c.name_zh), i);
        }
        for (alias, code) in ALIASES {
            if let Ok(i) = COUNTRIES.binary_search_by(|c| c.alpha2.cmp(code)) {
                map.entry(normalise(alias)).or_insert(i);
            }
        }
        map
    })
}

/// Folds a name to a lookup key: lower case, accents removed, "&" as "and", "St" as
/// "Saint", a leading "The" dropped, and every non-alphanumeric character (spaces, dots,
/// commas, brackets of either width) removed, so "U.S.A.", "usa" and "U S A" are one key.
fn normalise(s: &str) -> String {
    let lower = s.trim().to_lowercase().replace('&', " and ");
    let mut spaced = String::with_capacity(lower.len());
    for ch in lower.chars() {
        match ch {
            '.' | '\'' | '\u{2019}' => {}
            ch => {
                let ch = fold_accent(ch);
                spaced.push(if ch.is_alphanumeric() { ch } else { ' ' });
            }
        }
    }
    let mut words: Vec<&str> = spaced.split_whitespace().collect();
    if words.len() > 1 && words[0] == "the" {
        words.remove(0);
    }
    words
        .iter()
        .map(|w| if *w == "st" { "saint" } else { w })
        .collect()
}

/// Maps the accented Latin letters found in country names to their base letter.
fn fold_accent(ch: char) -> char {
    match ch {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'ç' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
        'ý' | 'ÿ' => 'y',
        'š' => 's',
        'ž' => 'z',
        ch => ch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn table_is_complete_sorted_and_unique() {
        assert!(COUNTRIES.len() >= 245, "{}", COUNTRIES.len());
        assert_eq!(COUNTRIES.len(), 249);
        let a2: HashSet<_> = COUNTRIES.iter().map(|c| c.alpha2).collect();
        let a3: HashSet<_> = COUNTRIES.iter().map(|c| c.alpha3).collect();
        let zh: HashSet<_> = COUNTRIES.iter().map(|c| c.name_zh).collect();
        assert_eq!(a2.len(), COUNTRIES.len());
        assert_eq!(a3.len(), COUNTRIES.len());
        assert_eq!(zh.len(), COUNTRIES.len());
        for w in COUNTRIES.windows(2) {
            assert!(w[0].alpha2 < w[1].alpha2, "not sorted at {}", w[1].alpha2);
        }
        for c in &COUNTRIES {
            assert!(c.alpha2.len() == 2 && c.alpha2.chars().all(|ch| ch.is_ascii_uppercase()));
            assert!(c.alpha3.len() == 3 && c.alpha3.chars().all(|ch| ch.is_ascii_uppercase()));
            assert!(!c.name.is_empty() && !c.name_zh.is_empty() && !c.subregion.is_empty());
        }
    }

    #[test]
    fn every_name_and_alias_resolves_to_one_country() {
        let mut seen: HashMap<String, &str> = HashMap::new();
        let names = COUNTRIES
            .iter()
            .flat_map(|c| [(c.name, c.alpha2), (c.name_zh, c.alpha2)])
            .chain(ALIASES.iter().copied());
        for (name, code) in names {
            assert!(by_code(code).is_some(), "alias {name} → unknown {code}");
            if let Some(prev) = seen.insert(normalise(name), code) {
                assert_eq!(prev, code, "'{name}' is ambiguous");
            }
            assert_eq!(parse_country(name).map(|c| c.alpha2), Some(code), "{name}");
        }
    }

    #[test]
    fn spot_checks() {
        let de = by_code("de").unwrap();
        assert_eq!((de.name, de.name_zh), ("Germany", "德国"));
        assert_eq!(
            (de.continent, de.subregion),
            (Continent::Europe, "Western Europe")
        );
        let br = by_code("BR").unwrap();
        assert_eq!(
            (br.continent, br.subregion),
            (Continent::Americas, "South America")
        );
        let ng = by_code("NG").unwrap();
        assert_eq!(
            (ng.continent, ng.subregion),
            (Continent::Africa, "Sub-Saharan Africa")
        );
        assert_eq!(by_code("EG").unwrap().subregion, "Northern Africa");
        assert_eq!(by_code("AU").unwrap().continent, Continent::Oceania);
        assert_eq!(by_code("JP").unwrap().subregion, "Eastern Asia");
        assert_eq!(by_code("US").unwrap().subregion, "Northern America");
        assert_eq!(by_code("MX").unwrap().subregion, "Central America");
        assert_eq!(by_code("AQ").unwrap().continent, Continent::Antarctica);
        assert_eq!(by_code("CN").unwrap().name_zh, "中国");
        assert!(by_code("UK").is_none());
        assert!(by_code("DEU").is_none());
        assert!(by_code("").is_none());
    }

    #[test]
    fn parses_codes_english_aliases_and_chinese() {
        let code = |s: &str| parse_country(s).map(|c| c.alpha2);
        assert_eq!(code(" de "), Some("DE"));
        assert_eq!(code("DEU"), Some("DE"));
        assert_eq!(code("usa"), Some("US"));
        assert_eq!(code("U.S.A."), Some("US"));
        assert_eq!(code("United States"), Some("US"));
        assert_eq!(code("United States of America"), Some("US"));
        assert_eq!(code("UK"), Some("GB"));
        assert_eq!(code("Great Britain"), Some("GB"));
        assert_eq!(code("united kingdom"), Some("GB"));
        assert_eq!(code("Russia"), Some("RU"));
        assert_eq!(code("Russian Federation"), Some("RU"));
        assert_eq!(code("South Korea"), Some("KR"));
        assert_eq!(code("Korea, Republic of"), Some("KR"));
        assert_eq!(code("Vietnam"), Some("VN"));
        assert_eq!(code("Viet Nam"), Some("VN"));
        assert_eq!(code("UAE"), Some("AE"));
        assert_eq!(code("Türkiye"), Some("TR"));
        assert_eq!(code("Turkiye"), Some("TR"));
        assert_eq!(code("Turkey"), Some("TR"));
        assert_eq!(code("Czechia"), Some("CZ"));
        assert_eq!(code("Czech Republic"), Some("CZ"));
        assert_eq!(code("The Netherlands"), Some("NL"));
        assert_eq!(code("Cote d'Ivoire"), Some("CI"));
        assert_eq!(code("St. Lucia"), Some("LC"));
        assert_eq!(code("Trinidad & Tobago"), Some("TT"));
        assert_eq!(code("Hongkong"), Some("HK"));
        assert_eq!(code("美国"), Some("US"));
        assert_eq!(code("德国"), Some("DE"));
        assert_eq!(code("英国"), Some("GB"));
        assert_eq!(code("中国"), Some("CN"));
        assert_eq!(code("阿联酋"), Some("AE"));
        assert_eq!(code("俄罗斯"), Some("RU"));
        assert_eq!(code("香港"), Some("HK"));
        assert_eq!(code("刚果(金)"), Some("CD"));
        assert_eq!(code("Narnia"), None);
        assert_eq!(code(""), None);
        assert_eq!(code("XYZ"), None);
    }

    #[test]
    fn domestic_compares_resolved_countries() {
        assert!(is_domestic("中国", "CN"));
        assert!(is_domestic("china", "cn"));
        assert!(!is_domestic("香港", "CN"));
        assert!(!is_domestic("DE", "CN"));
        assert!(!is_domestic("", "CN"));
        assert!(!is_domestic("Narnia", "Narnia"));
    }

    #[test]
    fn guesses_country_from_domain() {
        let code = |s: &str| country_from_domain(s).map(|c| c.alpha2);
        assert_eq!(code("acme.de"), Some("DE"));
        assert_eq!(code("ACME.DE."), Some("DE"));
        assert_eq!(code("acme.co.uk"), Some("GB"));
        assert_eq!(code("uk"), Some("GB"));
        assert_eq!(code(".uk"), Some("GB"));
        assert_eq!(code("acme.com.br"), Some("BR"));
        assert_eq!(code("buyer@acme.com.au"), Some("AU"));
        assert_eq!(code("acme.com"), None);
        assert_eq!(code("acme.org"), None);
        assert_eq!(code("acme.eu"), None);
        assert_eq!(code("acme.io"), None);
        assert_eq!(code("acme.co"), None);
        assert_eq!(code(""), None);
    }

    #[test]
    fn continent_parses_english_chinese_and_americas_parts() {
        assert_eq!("Europe".parse::<Continent>().unwrap(), Continent::Europe);
        assert_eq!("非洲".parse::<Continent>().unwrap(), Continent::Africa);
        assert_eq!("大洋洲".parse::<Continent>().unwrap(), Continent::Oceania);
        assert_eq!(
            "North America".parse::<Continent>().unwrap(),
            Continent::Americas
        );
        assert_eq!(
            "south-america".parse::<Continent>().unwrap(),
            Continent::Americas
        );
        assert_eq!("南美洲".parse::<Continent>().unwrap(), Continent::Americas);
        for c in Continent::ALL {
            assert_eq!(c.key().parse::<Continent>().unwrap(), *c);
            assert_eq!(c.name_zh().parse::<Continent>().unwrap(), *c);
            assert_eq!(c.to_string(), c.key());
        }
        let err = "Atlantis".parse::<Continent>().unwrap_err();
        assert_eq!(err.kind, "continent");
    }
}
