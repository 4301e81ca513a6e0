//! Keeps glibc's allocator from hoarding freed memory while mail streams through, without
//! handing every large buffer back to the kernel (issue 3: a full sync must stay under
//! 300 MB peak RSS, and no slower than mbsync).
//!
//! A sync moves gigabytes through short-lived buffers of 4 KB to several MB on a handful of
//! threads (tokio workers, the blocking pool that parses, the database writer). With glibc's
//! defaults each thread may get its own arena (up to 8 × cores), and the mmap threshold rises
//! to the largest buffer ever freed, so RSS grows far past the data actually in flight:
//! hence the cap on arenas and a fixed threshold.
//!
//! The threshold must not be small, though. At 256 KB every message with an attachment got
//! a mapping of its own per copy (the IMAP buffer, the body, the decoded part), and the
//! kernel zeroed ~2 GB of fresh pages during a 100,000-message sync: 10 % of its CPU time
//! in page faults. Buffers below [`MMAP_THRESHOLD`] are carved from the arenas and their
//! space reused by the next message; up to [`TRIM_THRESHOLD`] of free space at the top of
//! an arena is kept for that instead of being returned at once.

/// Arenas glibc may create: enough for the fetch, parse and write threads not to contend.
const ARENA_MAX: i32 = 2;
/// Allocations of this size or more get their own mapping, unmapped again when freed.
const MMAP_THRESHOLD: i32 = 4 * 1024 * 1024;
/// Free space at the top of an arena kept for reuse rather than returned to the kernel.
const TRIM_THRESHOLD: i32 = 32 * 1024 * 1024;

/// Applies the allocator settings above; call once at start-up, before threads are spawned.
/// A no-op on other C libraries (musl, macOS), which do not grow arenas like this.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; it is called before other threads
    // exist, and the values are within glibc's documented ranges.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, ARENA_MAX);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
    }
}
