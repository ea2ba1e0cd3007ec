//! A unit's evidence quota: how many bytes and how many files its library may hold, so one unit
//! cannot fill the store that every unit shares. A file already in the library (same content) costs
//! nothing more, so uploading it again is always allowed.

/// The limits, the same for every unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub max_bytes: i64,
    pub max_files: i64,
}

impl Default for Quota {
    /// 2 GiB and 5,000 files: room for a few files behind each of a year's leaves, at the upload
    /// limit, many times over.
    fn default() -> Self {
        Quota {
            max_bytes: 2 * 1024 * 1024 * 1024,
            max_files: 5_000,
        }
    }
}

/// What a unit's library holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub bytes: i64,
    pub files: i64,
}

impl Quota {
    /// Whether one more file of `size` bytes fits next to `used`.
    pub fn admits(self, used: Usage, size: i64) -> bool {
        used.files < self.max_files && used.bytes.saturating_add(size) <= self.max_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const Q: Quota = Quota {
        max_bytes: 1_000,
        max_files: 3,
    };

    #[test]
    fn a_file_fits_up_to_the_last_byte_and_the_last_file() {
        let used = Usage {
            bytes: 600,
            files: 2,
        };
        assert!(Q.admits(used, 400), "exactly full is allowed");
        assert!(!Q.admits(used, 401));
        assert!(!Q.admits(Usage { bytes: 0, files: 3 }, 1), "no fourth file");
        assert!(!Q.admits(used, i64::MAX), "no overflow");
    }

    proptest! {
        #[test]
        fn what_is_admitted_never_exceeds_the_quota(bytes in 0i64..2_000, files in 0i64..5, size in 0i64..2_000) {
            let used = Usage { bytes, files };
            if Q.admits(used, size) {
                prop_assert!(bytes + size <= Q.max_bytes && files < Q.max_files);
            } else {
                prop_assert!(bytes + size > Q.max_bytes || files >= Q.max_files);
            }
        }
    }
}
