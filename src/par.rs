//! Work spread over the machine's cores: one map over a slice, on as many
//! threads as there are cores, its results in the slice's order (so that
//! what is made from them does not depend on how the threads ran).

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of every item, on up to as many threads as there are cores (one when
/// there is one item or one core), each thread taking the next item not yet
/// taken. The results are in the items' order; an item whose result was lost
/// because its thread panicked is `None`, for the caller to say so.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<Option<R>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(|x| Some(f(x))).collect();
    }
    let next = AtomicUsize::new(0);
    let mut out: Vec<Option<R>> = items.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(x) = items.get(k) else { break };
                        done.push((k, f(x)));
                    }
                    done
                })
            })
            .collect();
        // Joined here, so that a panicking thread loses its results instead
        // of ending the scope with a panic.
        for h in handles {
            for (k, r) in h.join().unwrap_or_default() {
                out[k] = Some(r);
            }
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_the_items_order() {
        let items: Vec<u64> = (0..200).collect();
        // Uneven work, so that threads finish out of order.
        let got = map(&items, |&x| {
            let mut s = 0u64;
            for i in 0..(x % 7) * 20_000 {
                s = s.wrapping_add(i ^ x);
            }
            (x, s)
        });
        assert_eq!(got.len(), items.len());
        for (i, r) in got.iter().enumerate() {
            assert_eq!(r.map(|(x, _)| x), Some(i as u64));
        }
        assert!(map(&[] as &[u8], |&x| x).is_empty());
        assert_eq!(map(&[5], |&x| x * 2), vec![Some(10)]);
    }
}
