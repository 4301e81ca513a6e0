//! Keeps glibc's allocator from hoarding freed memory while mail streams through (issue 3:
//! a full sync must stay under 300 MB peak RSS).
//!
//! A sync moves gigabytes through short-lived buffers of 4 KB to several MB on a handful of
//! threads (tokio workers, the blocking pool that parses, the database writer). With glibc's
//! defaults each thread may get its own arena (up to 8 × cores), and the mmap threshold rises
//! to the largest buffer ever freed, so large message buffers are carved from the arenas and
//! their freed space is kept — RSS then grows far past the data actually in flight. Capping
//! the arenas and fixing the threshold returns large buffers to the kernel when freed.

/// Arenas glibc may create: enough for the fetch, parse and write threads not to contend.
const ARENA_MAX: i32 = 2;
/// Allocations of this size or more get their own mapping, unmapped again when freed.
const MMAP_THRESHOLD: i32 = 256 * 1024;

/// Applies the allocator settings above; call once at start-up, before threads are spawned.
/// A no-op on other C libraries (musl, macOS), which do not grow arenas like this.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; it is called before other threads
    // exist, and the values are within glibc's documented ranges.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, ARENA_MAX);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}
