//! The conditional-GET cache of [`Client`](super::Client): bodies by URL with their validators,
//! at most a fixed number, the least recently stored evicted first.

use std::collections::{BTreeMap, HashMap};
use std::time::SystemTime;

use bytes::Bytes;
use precond_core::ETag;
use reqwest::header::HeaderValue;

/// One cached GET.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) etag: Option<ETag>,
    pub(crate) last_modified: Option<SystemTime>,
    /// `Last-Modified` as the server sent it, for `If-Modified-Since`.
    pub(crate) last_modified_header: Option<HeaderValue>,
    pub(crate) body: Bytes,
}

#[derive(Debug)]
pub(crate) struct Cache {
    capacity: usize,
    entries: HashMap<String, (u64, Entry)>,
    /// Stamp → URL, oldest first.
    order: BTreeMap<u64, String>,
    stamp: u64,
}

impl Cache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: HashMap::new(),
            order: BTreeMap::new(),
            stamp: 0,
        }
    }

    pub(crate) fn get(&self, url: &str) -> Option<Entry> {
        self.entries.get(url).map(|(_, entry)| entry.clone())
    }

    pub(crate) fn insert(&mut self, url: &str, entry: Entry) {
        self.remove(url);
        while self.entries.len() >= self.capacity {
            let Some((_, oldest)) = self.order.pop_first() else {
                break;
            };
            self.entries.remove(&oldest);
        }
        self.stamp += 1;
        self.order.insert(self.stamp, url.to_owned());
        self.entries.insert(url.to_owned(), (self.stamp, entry));
    }

    pub(crate) fn remove(&mut self, url: &str) {
        if let Some((stamp, _)) = self.entries.remove(url) {
            self.order.remove(&stamp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(body: &'static str) -> Entry {
        Entry {
            etag: Some(ETag::for_bytes(body.as_bytes())),
            last_modified: None,
            last_modified_header: None,
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn keeps_at_most_its_capacity_evicting_the_oldest() {
        let mut cache = Cache::new(2);
        cache.insert("/a", entry("a"));
        cache.insert("/b", entry("b"));
        cache.insert("/a", entry("a2")); // stored again: now the newest
        cache.insert("/c", entry("c"));
        assert!(cache.get("/b").is_none());
        assert_eq!(
            cache.get("/a").map(|e| e.body),
            Some(Bytes::from_static(b"a2"))
        );
        assert!(cache.get("/c").is_some());
        cache.remove("/a");
        assert!(cache.get("/a").is_none());
        assert_eq!(cache.entries.len(), cache.order.len());
    }
}
