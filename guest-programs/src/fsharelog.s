# fsharelog: fshare.s on the log-structured file system over the buffer-cache server
# (fs_log_shared.s, runtime-lfs-shared.list; docs/libos.md, "Sharing a file system"): the same
# two clients, each call of each holding the server's lock and ending in a checkpoint whose
# sequence number the next holder finds in the lock's state page and reloads from, so they see
# each other's writes through the disk. fshare.s's comment says what the program does.
#   exo run --runtime runtime-lfs-shared.list --disk f.img --disk-create 16M guest-programs/src/fsharelog.s
# disk: 16M
# runtime: runtime-lfs-shared.list
# expect: fshare: server 258 keeps the blocks of the file system on root block 42
# expect: A 259: mounted log; /shared written and overwritten, then appended to 28 bytes, no sync
# expect: B 260: mounted log; /shared holds 28 bytes: "WRITTEN by A. appended by A."
# expect: B 260: /shared overwritten, then appended to 43 bytes through O_APPEND, no sync
# expect: A 259: /shared holds 43 bytes: "CHANGED by A. appended by A. appended by B."
# expect: clients exited: 0 0
# expect: parent: 17 files in /, the clients' 16 of 5000 bytes each; /shared holds 43 bytes: "CHANGED by A. appended by A. appended by B."
# expect: parent: server's cache: cycles per cached 4 KiB fs_seek + fs_read {n}, fs_seek + fs_write {n}
# expect: parent: one commit: 0; fs_check: 0
# expect: refused: a block without its capability -4, the lock without the root's -4, an unlock by a non-holder -10
# expect: refused: the lock, its holder having exited holding it -5
# expect: server exited with status 0
        .include "fshare.s"
