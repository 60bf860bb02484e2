# fs_ext_shared.s: fs_ext.s with its blocks in a shared buffer-cache server (FS_SHARED; see
# fs_ext.s's header and docs/libos.md, "Sharing a file system"). runtime-shared.list links it
# with bcache_shared.s in place of fs_ext.s and bcache.s.
.equ FS_SHARED, 1
        .include "fs_ext.s"
