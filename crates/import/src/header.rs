//! A file's header row: which column each known column is in, whatever their order and whichever
//! language names them (matched without tones or case).

use parindex_domain::text::{clean, search_key};
use std::collections::HashMap;
use std::hash::Hash;

pub struct Columns<C> {
    index: HashMap<C, usize>,
}

impl<C: Copy + Eq + Hash> Columns<C> {
    /// The first header cell whose search key is one of a column's `aliases` gives its place.
    pub fn read(
        header: &[String],
        all: &[C],
        aliases: impl Fn(C) -> &'static [&'static str],
    ) -> Self {
        let mut index = HashMap::new();
        for (i, h) in header.iter().enumerate() {
            let key = search_key(h);
            if let Some(c) = all
                .iter()
                .copied()
                .find(|c| aliases(*c).contains(&key.as_str()))
            {
                index.entry(c).or_insert(i);
            }
        }
        Columns { index }
    }

    pub fn has(&self, c: C) -> bool {
        self.index.contains_key(&c)
    }

    /// Row `r`'s cell of column `c`, cleaned; empty when the file has no such column or cell.
    pub fn cell(&self, r: &[String], c: C) -> String {
        self.index
            .get(&c)
            .and_then(|i| r.get(*i))
            .map(|s| clean(s))
            .unwrap_or_default()
    }
}
