//! Long lists a page at a time: which rows the requested page holds, and the links to the pages
//! before and after, which keep the list's search and filters. The page is `?p=N` (1 first); a page
//! out of range shows the nearest one, and anything that is not a number shows the first.

use std::ops::Range;

/// Rows per page on every long list.
pub const PER_PAGE: usize = 100;

/// Which page of a list to show.
#[derive(Debug, Clone, Copy)]
pub enum At<'a> {
    /// The page asked for: the raw `p` parameter.
    Requested(&'a str),
    /// The page that holds this row (from 0), such as the row whose form was refused; the first
    /// page when the row is not in the list.
    Holding(Option<usize>),
}

#[derive(Debug, Clone)]
pub struct Pager {
    /// The page shown, from 1.
    pub page: usize,
    /// How many pages there are (1 for an empty list).
    pub pages: usize,
    /// How many rows the whole (searched and filtered) list has.
    pub total: usize,
    per_page: usize,
    /// The list's own address with its search and filters, without the page.
    base: String,
    /// Where a page link lands: the list's element id.
    anchor: &'static str,
}

impl Pager {
    /// The page `requested` (the raw `p` parameter) of a list of `total` rows, reached at `path`
    /// with the query `keep` (already encoded, without `p`), landing on the element `anchor`.
    pub fn new(
        path: &str,
        keep: &str,
        total: usize,
        requested: &str,
        anchor: &'static str,
    ) -> Self {
        let page = requested.trim().parse::<usize>().unwrap_or(1);
        Self::at(path, keep, total, page, anchor)
    }

    /// The page that holds row `index` (from 0) of the list.
    pub fn holding(
        path: &str,
        keep: &str,
        total: usize,
        index: usize,
        anchor: &'static str,
    ) -> Self {
        Self::at(path, keep, total, index / PER_PAGE + 1, anchor)
    }

    /// The page `at` says.
    pub fn of(path: &str, keep: &str, total: usize, at: At, anchor: &'static str) -> Self {
        match at {
            At::Requested(p) => Self::new(path, keep, total, p, anchor),
            At::Holding(index) => Self::holding(path, keep, total, index.unwrap_or(0), anchor),
        }
    }

    fn at(path: &str, keep: &str, total: usize, page: usize, anchor: &'static str) -> Self {
        let pages = total.div_ceil(PER_PAGE).max(1);
        let base = if keep.is_empty() {
            format!("{path}?")
        } else {
            format!("{path}?{keep}&")
        };
        Pager {
            page: page.clamp(1, pages),
            pages,
            total,
            per_page: PER_PAGE,
            base,
            anchor,
        }
    }

    /// The rows of the whole list this page shows.
    pub fn range(&self) -> Range<usize> {
        let start = ((self.page - 1) * self.per_page).min(self.total);
        start..(start + self.per_page).min(self.total)
    }

    /// This page's rows out of the whole list's.
    pub fn take<T>(&self, rows: impl IntoIterator<Item = T>) -> Vec<T> {
        let r = self.range();
        rows.into_iter().skip(r.start).take(r.len()).collect()
    }

    /// Whether the list needs more than one page (the template shows the links only then).
    pub fn is_paged(&self) -> bool {
        self.pages > 1
    }

    /// The first and last row shown, counted from 1 (0 and 0 for an empty list).
    pub fn first(&self) -> usize {
        let r = self.range();
        if r.is_empty() { 0 } else { r.start + 1 }
    }

    pub fn last(&self) -> usize {
        self.range().end
    }

    fn href(&self, page: usize) -> String {
        format!("{}p={page}#{}", self.base, self.anchor)
    }

    pub fn prev(&self) -> Option<String> {
        (self.page > 1).then(|| self.href(self.page - 1))
    }

    pub fn next(&self) -> Option<String> {
        (self.page < self.pages).then(|| self.href(self.page + 1))
    }

    /// The first and last pages' links, when they are not the next or previous one.
    pub fn first_page(&self) -> Option<String> {
        (self.page > 2).then(|| self.href(1))
    }

    pub fn last_page(&self) -> Option<String> {
        (self.page + 1 < self.pages).then(|| self.href(self.pages))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_holds_its_rows_and_links_to_its_neighbours_keeping_the_search() {
        let p = Pager::new("/unit/1/respondents", "q=an&group=hdnd", 431, "3", "people");
        assert_eq!((p.page, p.pages, p.first(), p.last()), (3, 5, 201, 300));
        assert_eq!(p.take(0..431), (200..300).collect::<Vec<_>>());
        assert_eq!(
            p.prev().as_deref(),
            Some("/unit/1/respondents?q=an&group=hdnd&p=2#people")
        );
        assert_eq!(
            p.next().as_deref(),
            Some("/unit/1/respondents?q=an&group=hdnd&p=4#people")
        );
        assert_eq!(
            p.first_page().as_deref(),
            Some("/unit/1/respondents?q=an&group=hdnd&p=1#people")
        );
        assert_eq!(
            p.last_page().as_deref(),
            Some("/unit/1/respondents?q=an&group=hdnd&p=5#people")
        );
    }

    #[test]
    fn the_last_page_holds_the_rest_and_has_no_next() {
        let p = Pager::new("/x", "", 431, "5", "l");
        assert_eq!((p.first(), p.last()), (401, 431));
        assert_eq!(p.take(0..431).len(), 31);
        assert_eq!(p.next(), None);
        assert_eq!(p.last_page(), None);
        assert_eq!(p.prev().as_deref(), Some("/x?p=4#l"));
    }

    #[test]
    fn a_page_out_of_range_or_not_a_number_shows_the_nearest() {
        assert_eq!(Pager::new("/x", "", 431, "99", "l").page, 5);
        assert_eq!(Pager::new("/x", "", 431, "0", "l").page, 1);
        assert_eq!(Pager::new("/x", "", 431, "-2", "l").page, 1);
        assert_eq!(Pager::new("/x", "", 431, "abc", "l").page, 1);
        assert_eq!(Pager::new("/x", "", 431, "", "l").page, 1);
    }

    #[test]
    fn an_empty_or_short_list_is_one_page_without_links() {
        let empty = Pager::new("/x", "", 0, "", "l");
        assert_eq!((empty.pages, empty.first(), empty.last()), (1, 0, 0));
        assert!(empty.take(Vec::<u8>::new()).is_empty());
        assert!(!empty.is_paged());
        let short = Pager::new("/x", "", PER_PAGE, "2", "l");
        assert_eq!((short.page, short.pages, short.last()), (1, 1, PER_PAGE));
        assert!(!short.is_paged());
        assert_eq!(short.prev(), None);
    }

    #[test]
    fn the_page_holding_a_row_is_found() {
        assert_eq!(Pager::holding("/x", "", 431, 0, "l").page, 1);
        assert_eq!(Pager::holding("/x", "", 431, 99, "l").page, 1);
        assert_eq!(Pager::holding("/x", "", 431, 100, "l").page, 2);
        assert_eq!(Pager::holding("/x", "", 431, 430, "l").page, 5);
    }
}
