# fsstress: the file system (fs.inc) under adversarial input, a full disk, a measured workload
# and a crash workload; it uses only fs.inc's calls, so it runs on either library file system.
#   exo run --disk t.img --disk-create 16M guest-programs/src/fsstress.s -- bad
# Commands:
#   bad       the table of bad calls below, each checked for its error; prints the number of
#             cases and failures (and each failure's case number, got and wanted)
#   fill      a file written in 64 KiB pieces until FS_ENOSPC; then the check must pass, a file
#             written before must read back intact, and removing the big file frees its blocks
#   bench N   guest cycles (rdcycle) of: N small files created (100 bytes each) and synced, read
#             back, removed and synced; a 1 MiB file written and synced, read back sequentially,
#             and read at 64 random 4 KiB offsets
#   churn     forever: a new version of one of 8 files written under /t and renamed over it,
#             and every third round a sync and a line "synced K I" (FsCrashTest kills it)
# Exit status: 0 as expected, 1 a check failed, 2 no disk, 4 the disk cannot be mounted, 5 usage.
# expect: fsstress: no disk
# status: 2
        .include "libos/libos.inc"
        .include "libos/fs.inc"
        .extern printf, puts, strcmp, memset, atoi, exit
        .extern fs_mount, fs_open, fs_close, fs_read, fs_write, fs_seek, fs_mkdir, fs_readdir
        .extern fs_unlink, fs_rename, fs_stat, fs_sync, fs_fsync, fs_check, fs_kind, fs_df
.equ BUF, 65536

# want expected: a0 is the call's result; counts a case and reports a mismatch.
.macro want expected
        li      a1, \expected
        call    report
.endm

        .text
        .globl  main
main:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      s6, 20(sp)
        sw      s7, 24(sp)
        mv      s1, a0
        mv      s2, a1
        call    fs_mount
        li      t0, FS_ENODEV
        beq     a0, t0, nodisk
        li      t1, 4
        bltz    a0, fail
        li      t0, 2
        blt     s1, t0, usage
        lw      s3, 4(s2)
        mv      a0, s3
        la      a1, c_bad
        call    strcmp
        beqz    a0, do_bad
        mv      a0, s3
        la      a1, c_fill
        call    strcmp
        beqz    a0, do_fill
        mv      a0, s3
        la      a1, c_bench
        call    strcmp
        beqz    a0, do_bench
        mv      a0, s3
        la      a1, c_churn
        call    strcmp
        beqz    a0, do_churn
usage:  la      a0, m_usage
        call    puts
        li      a0, 5
        j       ret
nodisk: la      a0, m_nodisk
        call    puts
        li      a0, 2
        j       ret
fail:   mv      s7, t1                  # t1 = the status, a0 = the error
        mv      a1, a0
        la      a0, m_fail
        call    printf
        mv      a0, s7
ret:    lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        lw      s7, 24(sp)
        leave   48

# report(got, wanted): one case of the table.
report:
        enter   16
        lwg     t0, cases
        addi    t0, t0, 1
        swg     t0, cases, t1
        beq     a0, a1, 9f
        mv      a2, a0
        mv      a3, a1
        mv      a1, t0
        la      a0, m_case
        call    printf
        lwg     t0, failures
        addi    t0, t0, 1
        swg     t0, failures, t1
9:      leave   16

# ---- bad: s1 = a file's fd, s2 = a directory's fd, s3 = a counter ---------------------------------
do_bad:
        li      a0, 0                   # 1: a null path
        li      a1, FS_O_RDONLY
        call    fs_open
        want    FS_EFAULT
        li      a0, 0x50000000          # 2: a path in the vm_alloc range, never reserved
        li      a1, FS_O_RDONLY
        call    fs_open
        want    FS_EFAULT
        la      a0, p_long              # 3: a 28-byte name
        li      a1, FS_O_RDWR | FS_O_CREAT
        call    fs_open
        want    FS_ENAMETOOLONG
        la      a0, p_max               # 4: a 27-byte name is fine
        li      a1, FS_O_RDWR | FS_O_CREAT
        call    fs_open
        bltz    a0, 1f
        call    fs_close
1:      want    0
        la      a0, p_dot               # 5: "." is not interpreted
        li      a1, FS_O_RDONLY
        call    fs_open
        want    FS_EINVAL
        la      a0, p_a                 # 6: flags with access mode 3
        li      a1, 3
        call    fs_open
        want    FS_EINVAL
        la      a0, p_a                 # 7: a missing file without O_CREAT
        li      a1, FS_O_RDONLY
        call    fs_open
        want    FS_ENOENT
        la      a0, p_a                 # 8: created
        li      a1, FS_O_RDWR | FS_O_CREAT | FS_O_EXCL
        call    fs_open
        mv      s1, a0
        slti    a0, a0, 0
        want    0
        la      a0, p_a                 # 9: O_EXCL on an existing file
        li      a1, FS_O_RDWR | FS_O_CREAT | FS_O_EXCL
        call    fs_open
        want    FS_EEXIST
        mv      a0, s1                  # 10: a buffer past the heap
        li      a1, 0x20000000
        li      a2, 16
        call    fs_write
        want    FS_EFAULT
        mv      a0, s1                  # 11: a buffer running past the stack's top
        li      a1, STACK_TOP - 8
        li      a2, 16
        call    fs_read
        want    FS_EFAULT
        mv      a0, s1                  # 12: a negative length
        la      a1, buf
        li      a2, -1
        call    fs_read
        want    FS_EINVAL
        li      a0, 99                  # 13: an fd never opened
        la      a1, buf
        li      a2, 1
        call    fs_read
        want    FS_EBADF
        li      a0, -1                  # 14: a negative fd
        call    fs_close
        want    FS_EBADF
        mv      a0, s1                  # 15: seek before the start
        li      a1, -1
        li      a2, FS_SEEK_SET
        call    fs_seek
        want    FS_EINVAL
        mv      a0, s1                  # 16: an unknown whence
        li      a1, 0
        li      a2, 7
        call    fs_seek
        want    FS_EINVAL
        mv      a0, s1                  # 17: a write ending past FS_FILE_MAX
        li      a1, FS_FILE_MAX - 1
        li      a2, FS_SEEK_SET
        call    fs_seek
        mv      a0, s1
        la      a1, m_nodisk
        li      a2, 2
        call    fs_write
        want    FS_EFBIG
        mv      a0, s1                  # 18: the last byte a file may hold
        la      a1, m_nodisk
        li      a2, 1
        call    fs_write
        want    1
        mv      a0, s1                  # 19: the hole before it reads as zeros
        li      a1, 4096 * 100
        li      a2, FS_SEEK_SET
        call    fs_seek
        la      a0, buf
        li      a1, 0x55
        li      a2, 64
        call    memset
        mv      a0, s1
        la      a1, buf
        li      a2, 64
        call    fs_read
        la      t0, buf
        lw      t1, 0(t0)
        lw      t2, 60(t0)
        or      t1, t1, t2
        add     a0, a0, t1
        want    64
        la      a0, p_a                 # 20: one block holds the byte, the rest is a hole
        la      a1, statbuf
        call    fs_stat
        la      t0, statbuf
        lw      a0, STAT_BLOCKS(t0)
        want    1
        la      t0, statbuf             # 21: its size is FS_FILE_MAX
        lw      a0, STAT_SIZE(t0)
        want    FS_FILE_MAX
        mv      a0, s1
        call    fs_close
        la      a0, p_a                 # 22: write on a read-only fd
        li      a1, FS_O_RDONLY
        call    fs_open
        mv      s3, a0
        la      a1, buf
        li      a2, 1
        call    fs_write
        want    FS_EBADF
        mv      a0, s3
        call    fs_close
        la      a0, p_a                 # 23: read on a write-only fd
        li      a1, FS_O_WRONLY
        call    fs_open
        mv      s3, a0
        la      a1, buf
        li      a2, 1
        call    fs_read
        want    FS_EBADF
        mv      a0, s3
        call    fs_close
        mv      a0, s3                  # 24: a closed fd
        call    fs_close
        want    FS_EBADF
        la      a0, p_d                 # 25: mkdir
        call    fs_mkdir
        want    0
        la      a0, p_d                 # 26: mkdir of an existing name
        call    fs_mkdir
        want    FS_EEXIST
        la      a0, p_d                 # 27: a directory opened for writing
        li      a1, FS_O_RDWR
        call    fs_open
        want    FS_EISDIR
        la      a0, p_d                 # 28: read() on a directory
        li      a1, FS_O_RDONLY
        call    fs_open
        mv      s2, a0
        la      a1, buf
        li      a2, 1
        call    fs_read
        want    FS_EISDIR
        la      a0, p_a                 # 29: readdir on a file
        li      a1, FS_O_RDONLY
        call    fs_open
        mv      s3, a0
        la      a1, dirent
        call    fs_readdir
        want    FS_ENOTDIR
        mv      a0, s3
        call    fs_close
        mv      a0, s2                  # 30: a dirent outside memory
        li      a1, 8
        call    fs_readdir
        want    FS_EFAULT
        mv      a0, s2
        call    fs_close
        la      a0, p_through           # 31: a path through a file
        li      a1, FS_O_RDWR | FS_O_CREAT
        call    fs_open
        want    FS_ENOTDIR
        la      a0, p_dx                # a file in the directory
        li      a1, FS_O_RDWR | FS_O_CREAT
        call    fs_open
        call    fs_close
        la      a0, p_d                 # 32: a directory that is not empty
        call    fs_unlink
        want    FS_ENOTEMPTY
        la      a0, p_d                 # 33: a directory into itself
        la      a1, p_dd
        call    fs_rename
        want    FS_EINVAL
        la      a0, p_root              # 34: the root
        call    fs_unlink
        want    FS_EINVAL
        la      a0, p_a                 # 35: a file over a directory
        la      a1, p_d
        call    fs_rename
        want    FS_EISDIR
        la      a0, p_dx                # 36: a file replaces a file
        la      a1, p_a
        call    fs_rename
        want    0
        la      a0, p_a                 # 37: ... and is the one that is there
        la      a1, statbuf
        call    fs_stat
        la      t0, statbuf
        lw      a0, STAT_SIZE(t0)
        want    0
        la      a0, p_a                 # 38: an open file unlinked: its fd is stale
        li      a1, FS_O_RDONLY
        call    fs_open
        mv      s3, a0
        la      a0, p_a
        call    fs_unlink
        mv      a0, s3
        la      a1, buf
        li      a2, 1
        call    fs_read
        want    FS_EBADF
        mv      a0, s3                  # 39: ... which still closes
        call    fs_close
        want    0
        li      s3, 0                   # 40: FS_OPEN_MAX files open, then one more
        la      t0, fds
1:      li      t1, FS_OPEN_MAX
        bge     s3, t1, 2f
        la      a0, p_max
        li      a1, FS_O_RDONLY
        call    fs_open
        la      t0, fds
        slli    t1, s3, 2
        add     t0, t0, t1
        sw      a0, 0(t0)
        addi    s3, s3, 1
        j       1b
2:      la      a0, p_max
        li      a1, FS_O_RDONLY
        call    fs_open
        want    FS_EMFILE
        li      s3, 0
3:      li      t1, FS_OPEN_MAX
        bge     s3, t1, 4f
        la      t0, fds
        slli    t1, s3, 2
        add     t0, t0, t1
        lw      a0, 0(t0)
        call    fs_close
        addi    s3, s3, 1
        j       3b
4:      la      a0, p_d                 # 41: stat into memory outside the program
        li      a1, 0x0
        call    fs_stat
        want    FS_EFAULT
        call    fs_check                # 42: and the file system is consistent
        want    0
        lwg     a1, cases
        lwg     a2, failures
        la      a0, m_bad
        call    printf
        lwg     a0, failures
        snez    a0, a0
        j       ret

# ---- fill: s1 = fd, s3 = bytes written, s4 = the result ---------------------------------------------
do_fill:
        la      a0, p_keep              # a file written first, to be read back intact
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        mv      s1, a0
        li      t1, 1
        bltz    a0, fail
        la      a1, m_usage
        li      a2, 100
        call    fs_write
        mv      a0, s1
        call    fs_close
        la      a0, p_big
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        mv      s1, a0
        li      t1, 1
        bltz    a0, fail
        li      s3, 0
1:      mv      a0, s1
        la      a1, buf
        li      a2, BUF
        call    fs_write
        mv      s4, a0
        bltz    a0, 2f
        add     s3, s3, a0
        j       1b
2:      mv      a0, s1
        call    fs_close
        call    fs_sync
        mv      s5, a0
        call    fs_check
        mv      s6, a0
        la      a0, p_big
        la      a1, statbuf
        call    fs_stat
        la      t0, statbuf
        lw      a3, STAT_SIZE(t0)
        la      a0, m_fill
        mv      a1, s4
        mv      a2, s3
        mv      a4, s5
        mv      a5, s6
        call    printf
        la      a0, p_keep              # the file written before
        li      a1, FS_O_RDONLY
        call    fs_open
        mv      s1, a0
        la      a1, buf
        li      a2, 200
        call    fs_read
        mv      s7, a0
        mv      a0, s1
        call    fs_close
        li      s3, 0                   # s3 = bytes that differ
        li      t0, 0
3:      li      t1, 100
        bge     t0, t1, 4f
        la      t1, buf
        add     t1, t1, t0
        lbu     t1, 0(t1)
        la      t2, m_usage
        add     t2, t2, t0
        lbu     t2, 0(t2)
        addi    t0, t0, 1
        beq     t1, t2, 3b
        addi    s3, s3, 1
        j       3b
4:      la      a0, m_keep
        mv      a1, s7
        mv      a2, s3
        call    printf
        la      a0, p_big
        call    fs_unlink
        mv      s1, a0
        call    fs_sync
        la      a0, dfbuf
        call    fs_df
        la      t0, dfbuf
        la      a0, m_df
        mv      a1, s1
        lw      a2, DF_BLOCKS(t0)
        lw      a3, DF_FREE(t0)
        call    printf
        call    fs_check
        mv      s6, a0
        li      t0, FS_ENOSPC           # status 0 if all went as it should
        bne     s4, t0, 5f
        bnez    s5, 5f
        bnez    s3, 5f
        li      t0, 100
        bne     s7, t0, 5f
        bnez    s6, 5f
        li      a0, 0
        j       ret
5:      li      a0, 1
        j       ret

# ---- bench N: s3 = N, s4 = i, s5 = the start, s6 = fd -----------------------------------------------
do_bench:
        li      t0, 3
        bne     s1, t0, usage
        lw      a0, 8(s2)
        call    atoi
        blez    a0, usage
        mv      s3, a0
        rdcycle s5                      # N files created and synced
        li      s4, 0
1:      bge     s4, s3, 2f
        mv      a0, s4
        call    name_of
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        li      t1, 1
        bltz    a0, fail
        mv      s6, a0
        la      a1, m_usage
        li      a2, 100
        call    fs_write
        mv      a0, s6
        call    fs_close
        addi    s4, s4, 1
        j       1b
2:      call    fs_sync
        la      a0, m_create
        call    lap
        li      s4, 0                   # read back
3:      bge     s4, s3, 4f
        mv      a0, s4
        call    name_of
        li      a1, FS_O_RDONLY
        call    fs_open
        li      t1, 1
        bltz    a0, fail
        mv      s6, a0
        la      a1, buf
        li      a2, 200
        call    fs_read
        li      t0, 100
        li      t1, 1
        bne     a0, t0, fail
        mv      a0, s6
        call    fs_close
        addi    s4, s4, 1
        j       3b
4:      la      a0, m_read
        call    lap
        li      s4, 0                   # removed
5:      bge     s4, s3, 6f
        mv      a0, s4
        call    name_of
        call    fs_unlink
        li      t1, 1
        bltz    a0, fail
        addi    s4, s4, 1
        j       5b
6:      call    fs_sync
        la      a0, m_delete
        call    lap
        la      a0, p_big               # 1 MiB written sequentially, 64 KiB a call
        li      a1, FS_O_RDWR | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        li      t1, 1
        bltz    a0, fail
        mv      s6, a0
        li      s4, 0
7:      li      t0, 16
        bge     s4, t0, 8f
        mv      a0, s6
        la      a1, buf
        li      a2, BUF
        call    fs_write
        li      t1, 1
        bltz    a0, fail
        addi    s4, s4, 1
        j       7b
8:      call    fs_sync
        la      a0, m_seqw
        call    lap
        mv      a0, s6                  # read back sequentially
        li      a1, 0
        li      a2, FS_SEEK_SET
        call    fs_seek
        li      s4, 0
9:      li      t0, 16
        bge     s4, t0, 10f
        mv      a0, s6
        la      a1, buf
        li      a2, BUF
        call    fs_read
        li      t0, BUF
        li      t1, 1
        bne     a0, t0, fail
        addi    s4, s4, 1
        j       9b
10:     la      a0, m_seqr
        call    lap
        li      s4, 0                   # 64 random 4 KiB reads (a fixed LCG)
        li      s7, 12345
11:     li      t0, 64
        bge     s4, t0, 12f
        li      t0, 1103515245
        mul     s7, s7, t0
        addi    s7, s7, 12345
        srli    a1, s7, 8
        andi    a1, a1, 255
        slli    a1, a1, 12
        mv      a0, s6
        li      a2, FS_SEEK_SET
        call    fs_seek
        mv      a0, s6
        la      a1, buf
        li      a2, 4096
        call    fs_read
        li      t0, 4096
        li      t1, 1
        bne     a0, t0, fail
        addi    s4, s4, 1
        j       11b
12:     la      a0, m_rand
        call    lap
        mv      a0, s6
        call    fs_close
        la      a0, p_big
        call    fs_unlink
        li      a0, 0
        j       ret

# lap(fmt): prints fmt with the cycles since s5 (and N = s3), then restarts the clock.
lap:
        enter   16
        rdcycle a1
        sub     a1, a1, s5
        mv      a2, s3
        call    printf
        rdcycle s5
        leave   16

# name_of(i) -> a0 = "/fI" in namebuf.
name_of:
        la      t0, namebuf
        li      t1, '/'
        sb      t1, 0(t0)
        li      t1, 'f'
        sb      t1, 1(t0)
        addi    t2, t0, 2
        mv      t3, a0                  # digits, most significant first
        li      t4, 1
        li      t5, 10
1:      divu    t6, t3, t4
        bltu    t6, t5, 2f
        mul     t4, t4, t5
        j       1b
2:      divu    t6, t3, t4
        remu    t3, t3, t4
        addi    t6, t6, '0'
        sb      t6, 0(t2)
        addi    t2, t2, 1
        divu    t4, t4, t5
        bnez    t4, 2b
        sb      zero, 0(t2)
        mv      a0, t0
        ret

# ---- churn: s3 = round, s4 = k, s5 = length, s6 = fd ----------------------------------------------------
do_churn:
        la      a0, p_d0
        call    fs_mkdir
        la      a0, p_d1
        call    fs_mkdir
        call    fs_sync
        la      a0, m_churning
        call    puts
        li      s3, 0
1:      andi    s4, s3, 7
        li      t0, 7919                # the length: 16 .. 20015 bytes
        mul     s5, s3, t0
        li      t0, 20000
        remu    s5, s5, t0
        addi    s5, s5, 16
        la      t0, buf                 # the version's bytes: "k I\n", then letters from I
        mv      a0, s4
        mv      a1, s3
        call    fill_version
        la      a0, p_t
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        li      t1, 1
        bltz    a0, fail
        mv      s6, a0
        la      a1, buf
        mv      a2, s5
        call    fs_write
        li      t1, 1
        bltz    a0, fail
        mv      a0, s6
        call    fs_close
        la      t0, p_f                 # /dJ/fK, J = K & 1
        andi    t1, s4, 1
        addi    t1, t1, '0'
        sb      t1, 2(t0)
        addi    t1, s4, '0'
        sb      t1, 5(t0)
        la      a0, p_t
        la      a1, p_f
        call    fs_rename
        li      t1, 1
        bltz    a0, fail
        li      t0, 3
        remu    t0, s3, t0
        bnez    t0, 2f
        call    fs_sync
        li      t1, 1
        bltz    a0, fail
        la      a0, m_synced
        mv      a1, s4
        mv      a2, s3
        call    printf
2:      addi    s3, s3, 1
        j       1b

# fill_version(k, i): s5 bytes of version i of file k into buf: "k i\n", then letters
# 'a' + (i + j) % 26 for the byte at j.
fill_version:
        enter   16
        mv      a2, a0
        mv      a3, a1
        la      a0, buf
        call    sprintf_ki
        la      t0, buf
        mv      t1, a0                  # the header's length
1:      bge     t1, s5, 9f
        add     t2, s3, t1
        li      t3, 26
        remu    t2, t2, t3
        addi    t2, t2, 'a'
        add     t3, t0, t1
        sb      t2, 0(t3)
        addi    t1, t1, 1
        j       1b
9:      leave   16

# sprintf_ki(buf, -, k, i) -> the length of "k i\n" written at buf (k one digit).
sprintf_ki:
        addi    t0, a2, '0'
        sb      t0, 0(a0)
        li      t0, ' '
        sb      t0, 1(a0)
        addi    t2, a0, 2
        mv      t3, a3
        li      t4, 1
        li      t5, 10
1:      divu    t6, t3, t4
        bltu    t6, t5, 2f
        mul     t4, t4, t5
        j       1b
2:      divu    t6, t3, t4
        remu    t3, t3, t4
        addi    t6, t6, '0'
        sb      t6, 0(t2)
        addi    t2, t2, 1
        divu    t4, t4, t5
        bnez    t4, 2b
        li      t0, '\n'
        sb      t0, 0(t2)
        addi    t2, t2, 1
        sub     a0, t2, a0
        ret

        .rodata
c_bad:  .asciz  "bad"
c_fill: .asciz  "fill"
c_bench:
        .asciz  "bench"
c_churn:
        .asciz  "churn"
p_long: .asciz  "/abcdefghijklmnopqrstuvwxyz01"
p_max:  .asciz  "/abcdefghijklmnopqrstuvwxyz0"
p_dot:  .asciz  "/./y"
p_a:    .asciz  "/a"
p_d:    .asciz  "/d"
p_dd:   .asciz  "/d/y"
p_dx:   .asciz  "/d/x"
p_through:
        .asciz  "/a/b"
p_root: .asciz  "/"
p_keep: .asciz  "/keep"
p_big:  .asciz  "/big"
p_t:    .asciz  "/t"
p_d0:   .asciz  "/d0"
p_d1:   .asciz  "/d1"
m_usage:
        .asciz  "usage: fsstress bad | fill | bench N | churn   (this line, 100 bytes and more, is also what files hold)"
m_nodisk:
        .asciz  "fsstress: no disk"
m_fail: .asciz  "fsstress: error %d\n"
m_case: .asciz  "fsstress: case %d: got %d, wanted %d\n"
m_bad:  .asciz  "fsstress bad: %d cases, %d failures\n"
m_fill: .asciz  "fsstress fill: stopped by %d after %d bytes (size %d), sync %d, check %d\n"
m_keep: .asciz  "fsstress fill: /keep reads %d bytes, %d differ\n"
m_df:   .asciz  "fsstress fill: /big removed (%d), %d blocks, %d free\n"
m_create:
        .asciz  "create+sync %d cycles for %d files\n"
m_read: .asciz  "read %d cycles for %d files\n"
m_delete:
        .asciz  "delete+sync %d cycles for %d files\n"
m_seqw: .asciz  "write 1 MiB+sync %d cycles\n"
m_seqr: .asciz  "read 1 MiB %d cycles\n"
m_rand: .asciz  "64 random 4 KiB reads %d cycles\n"
m_churning:
        .asciz  "churning"
m_synced:
        .asciz  "synced %d %d\n"

        .data
p_f:    .asciz  "/d0/f0"

        .bss
        .align  2
cases:  .space  4
failures:
        .space  4
fds:    .space  FS_OPEN_MAX * 4
statbuf:
        .space  STAT_BYTES
dfbuf:  .space  DF_BYTES
dirent: .space  DIRENT_BYTES
namebuf:
        .space  16
buf:    .space  BUF
