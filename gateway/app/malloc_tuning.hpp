#pragma once
// Documents of 100 KB to 20 MiB pass through every request path (licence images, scans, copies).
// glibc serves allocations above 128 KiB with a fresh mmap and returns them with munmap, so each
// such buffer costs a page fault per 4 KiB and the kernel zeroing it, every time (measured: 10 MB
// decryption at 0.67 of `openssl speed`, 0.8+ with this). Keeping them on the heap and trimming
// only above 64 MiB of free top memory reuses the pages. Called first thing in main; header-only
// so that the benchmarks use exactly what the gateway uses.
#include <malloc.h>

namespace lgw::gateway {

inline void tuneAllocatorForDocuments() {
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);  // glibc's maximum on 64-bit
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
}

}  // namespace lgw::gateway
