# fs_log_shared.s: fs_log.s shared by the environments of one buffer-cache server (FS_SHARED;
# see fs_log.s's header and docs/libos.md, "Sharing a file system"). runtime-lfs-shared.list
# links it with bcache_shared.s (the server's lock and state pages) in place of fs_log.s.
.equ FS_SHARED, 1
        .include "fs_log.s"
