//! A respondent group as users read it: its name in their language, never its code (unless the
//! campaign no longer has the group, when the code is all there is).

use crate::i18n::Lang;
use parindex_domain::respondents::Group;
use parindex_domain::respondents::groups::by_code;

pub fn group_name(lang: Lang, groups: &[Group], code: &str) -> String {
    by_code(groups, code).map_or_else(|| code.to_string(), |g| lang.pick(&g.name_vi, &g.name_en))
}
