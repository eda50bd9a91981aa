//! The AD salt rules against salts a real Samba AD DC announced (tests/vectors/ad_salts.txt).

use spnkt::krb::salt::ad_salt;

#[test]
fn ad_salt_rules_match_what_the_dc_announced() {
    let table = include_str!("vectors/ad_salts.txt");
    let mut checked = 0;
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        let [realm, sam, upn, kind, expected] = f[..] else {
            panic!("bad vector line: {line:?}");
        };
        let upn = (upn != "-").then_some(upn);
        let is_computer = match kind {
            "user" => false,
            "computer" => true,
            other => panic!("bad kind {other}"),
        };
        assert_eq!(ad_salt(realm, sam, upn, is_computer), expected, "{line}");
        checked += 1;
    }
    assert_eq!(checked, 9);
}
