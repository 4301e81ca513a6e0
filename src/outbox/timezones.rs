//! Country → main IANA time zone, for send windows in the recipient's local time.
//!
//! One zone per country: the one most of its business runs on (New York for the US, Sydney
//! for Australia, Moscow for Russia). A customer elsewhere in a large country gets its own
//! zone (`tradewind outbox timezone CODE ZONE`, stored in `customers.timezone`).

use chrono_tz::Tz;

/// (alpha-2, zone) for the usual export destinations and more; sorted by code.
const ZONES: &[(&str, &str)] = &[
    ("AE", "Asia/Dubai"),
    ("AR", "America/Argentina/Buenos_Aires"),
    ("AT", "Europe/Vienna"),
    ("AU", "Australia/Sydney"),
    ("BD", "Asia/Dhaka"),
    ("BE", "Europe/Brussels"),
    ("BG", "Europe/Sofia"),
    ("BH", "Asia/Bahrain"),
    ("BR", "America/Sao_Paulo"),
    ("BY", "Europe/Minsk"),
    ("CA", "America/Toronto"),
    ("CH", "Europe/Zurich"),
    ("CL", "America/Santiago"),
    ("CN", "Asia/Shanghai"),
    ("CO", "America/Bogota"),
    ("CZ", "Europe/Prague"),
    ("DE", "Europe/Berlin"),
    ("DK", "Europe/Copenhagen"),
    ("DZ", "Africa/Algiers"),
    ("EC", "America/Guayaquil"),
    ("EG", "Africa/Cairo"),
    ("ES", "Europe/Madrid"),
    ("ET", "Africa/Addis_Ababa"),
    ("FI", "Europe/Helsinki"),
    ("FR", "Europe/Paris"),
    ("GB", "Europe/London"),
    ("GH", "Africa/Accra"),
    ("GR", "Europe/Athens"),
    ("HK", "Asia/Hong_Kong"),
    ("HU", "Europe/Budapest"),
    ("ID", "Asia/Jakarta"),
    ("IE", "Europe/Dublin"),
    ("IL", "Asia/Jerusalem"),
    ("IN", "Asia/Kolkata"),
    ("IQ", "Asia/Baghdad"),
    ("IR", "Asia/Tehran"),
    ("IT", "Europe/Rome"),
    ("JO", "Asia/Amman"),
    ("JP", "Asia/Tokyo"),
    ("KE", "Africa/Nairobi"),
    ("KH", "Asia/Phnom_Penh"),
    ("KR", "Asia/Seoul"),
    ("KW", "Asia/Kuwait"),
    ("KZ", "Asia/Almaty"),
    ("LK", "Asia/Colombo"),
    ("MA", "Africa/Casablanca"),
    ("MM", "Asia/Yangon"),
    ("MO", "Asia/Macau"),
    ("MX", "America/Mexico_City"),
    ("MY", "Asia/Kuala_Lumpur"),
    ("NG", "Africa/Lagos"),
    ("NL", "Europe/Amsterdam"),
    ("NO", "Europe/Oslo"),
    ("NZ", "Pacific/Auckland"),
    ("OM", "Asia/Muscat"),
    ("PE", "America/Lima"),
    ("PH", "Asia/Manila"),
    ("PK", "Asia/Karachi"),
    ("PL", "Europe/Warsaw"),
    ("PT", "Europe/Lisbon"),
    ("QA", "Asia/Qatar"),
    ("RO", "Europe/Bucharest"),
    ("RU", "Europe/Moscow"),
    ("SA", "Asia/Riyadh"),
    ("SE", "Europe/Stockholm"),
    ("SG", "Asia/Singapore"),
    ("TH", "Asia/Bangkok"),
    ("TR", "Europe/Istanbul"),
    ("TW", "Asia/Taipei"),
    ("TZ", "Africa/Dar_es_Salaam"),
    ("UA", "Europe/Kyiv"),
    ("US", "America/New_York"),
    ("UY", "America/Montevideo"),
    ("UZ", "Asia/Tashkent"),
    ("VE", "America/Caracas"),
    ("VN", "Asia/Ho_Chi_Minh"),
    ("ZA", "Africa/Johannesburg"),
];

/// The main zone of country `alpha2` (any case), if the table has it.
pub fn of_country(alpha2: &str) -> Option<Tz> {
    let code = alpha2.trim().to_ascii_uppercase();
    ZONES
        .binary_search_by(|(c, _)| c.cmp(&code.as_str()))
        .ok()
        .and_then(|i| ZONES[i].1.parse().ok())
}

/// The zone for a customer: its own (`customers.timezone`) if set and valid, else its
/// country's, else UTC.
pub fn for_customer(own: Option<&str>, country: Option<&str>) -> Tz {
    own.and_then(|z| z.trim().parse::<Tz>().ok())
        .or_else(|| country.and_then(of_country))
        .unwrap_or(Tz::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_valid_and_known_countries() {
        for w in ZONES.windows(2) {
            assert!(w[0].0 < w[1].0, "{} before {}", w[0].0, w[1].0);
        }
        for (code, zone) in ZONES {
            assert!(zone.parse::<Tz>().is_ok(), "{zone}");
            assert!(crate::region::by_code(code).is_some(), "{code}");
        }
        assert_eq!(of_country("ae"), Some(chrono_tz::Asia::Dubai));
        assert_eq!(
            for_customer(Some("America/Los_Angeles"), Some("US")),
            chrono_tz::America::Los_Angeles
        );
        assert_eq!(
            for_customer(Some("Mars/Base"), Some("US")),
            chrono_tz::America::New_York
        );
        assert_eq!(for_customer(None, Some("XX")), Tz::UTC);
    }
}
