//! The last few layouts, by the SHA-256 of the request body: the page asks
//! for a check and then for each page's preview of the same text, and only
//! the first request lays it out.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

/// A key: the SHA-256 of a request body.
pub type Key = [u8; 32];

/// The key of `body`.
pub fn key(body: &[u8]) -> Key {
    Sha256::digest(body).into()
}

/// At most `capacity` values, the most recently used first.
#[derive(Debug)]
pub struct Recent<T> {
    capacity: usize,
    entries: Mutex<VecDeque<(Key, Arc<T>)>>,
}

impl<T> Recent<T> {
    /// An empty cache of `capacity` values.
    pub fn new(capacity: usize) -> Recent<T> {
        Recent {
            capacity: capacity.max(1),
            entries: Mutex::new(VecDeque::new()),
        }
    }

    /// The value of `key`, when kept (it becomes the most recent).
    pub fn get(&self, key: &Key) -> Option<Arc<T>> {
        let mut e = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let i = e.iter().position(|(k, _)| k == key)?;
        let entry = e.remove(i)?;
        let value = entry.1.clone();
        e.push_front(entry);
        Some(value)
    }

    /// Keep `value` under `key`, forgetting the least recently used beyond capacity.
    pub fn put(&self, key: Key, value: Arc<T>) {
        let mut e = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        e.retain(|(k, _)| *k != key);
        e.push_front((key, value));
        e.truncate(self.capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_goes_first() {
        let c = Recent::new(2);
        let (a, b, d) = (key(b"a"), key(b"b"), key(b"d"));
        c.put(a, Arc::new(1));
        c.put(b, Arc::new(2));
        assert_eq!(c.get(&a).as_deref(), Some(&1)); // a is now the most recent
        c.put(d, Arc::new(3));
        assert_eq!(c.get(&b), None);
        assert_eq!(c.get(&a).as_deref(), Some(&1));
        assert_eq!(c.get(&d).as_deref(), Some(&3));
        c.put(d, Arc::new(4));
        assert_eq!(c.get(&d).as_deref(), Some(&4));
        assert_ne!(key(b"a"), key(b"b"));
    }
}
