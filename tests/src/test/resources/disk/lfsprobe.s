# lfsprobe: drives the library OS's file system for LogFsTest, one command a run:
#   put NAME TEXT | get NAME | check | ls | churn KIB ROUNDS | fill | wild | bench | readbench
#   crashwork | crashverify | mix N
# (mix N: see below.)
# Exit status: 0 done, 1 a call failed (it says which, with the error), 2 bad usage,
# 3 fs_check found problems, 4 the mount failed.
        .include "libos/libos.inc"
        .include "libos/fs.inc"
        .extern printf, puts, strcmp, strlen, atoi, memset, vm_alloc, exit
        .extern fs_mount, fs_open, fs_close, fs_read, fs_write, fs_seek, fs_mkdir, fs_readdir
        .extern fs_unlink, fs_rename, fs_stat, fs_fsync, fs_sync, fs_check, fs_kind, cleaned
.equ BUFSZ, 262144

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
        li      a0, BUFSZ / PAGE_SIZE
        call    vm_alloc
        swg     a0, buf, t0
        li      t0, 2
        blt     s1, t0, usage
        lw      s3, 4(s2)
        rdcycle s7
        call    fs_mount
        rdcycle t0
        sub     s7, t0, s7
        swg     s7, mount_cycles, t0
        beqz    a0, 1f
        mv      a1, a0
        la      a0, m_mount
        call    printf
        li      a0, 4
        call    exit
1:      la      s4, commands
2:      lw      a1, 0(s4)
        beqz    a1, usage
        mv      a0, s3
        call    strcmp
        beqz    a0, 3f
        addi    s4, s4, 8
        j       2b
3:      lw      t0, 4(s4)
        mv      a0, s1
        mv      a1, s2
        jalr    ra, 0(t0)
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        lw      s7, 24(sp)
        leave   48
usage:  la      a0, m_usage
        call    puts
        li      a0, 2
        call    exit

# ok(r, what) -> a0 = r: a negative r ends the run (status 1), saying what failed.
ok:
        bltz    a0, 1f
        ret
1:      mv      a2, a0
        la      a0, m_failed
        call    printf
        li      a0, 1
        call    exit

# put NAME TEXT
c_put:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        lw      s1, 8(a1)
        lw      s2, 12(a1)
        mv      a0, s1
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        la      a1, w_open
        call    ok
        mv      s3, a0
        mv      a0, s2
        call    strlen
        mv      a2, a0
        mv      a0, s3
        mv      a1, s2
        call    fs_write
        la      a1, w_write
        call    ok
        mv      a2, a0
        la      a0, m_put
        mv      a1, s1
        call    printf
        mv      a0, s3
        call    fs_close
        li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

# get NAME
c_get:
        enter   32
        sw      s1, 0(sp)
        lw      a0, 8(a1)
        li      a1, FS_O_RDONLY
        call    fs_open
        la      a1, w_open
        call    ok
        mv      s1, a0
        lwg     a1, buf
        li      a2, BUFSZ - 1
        call    fs_read
        la      a1, w_read
        call    ok
        lwg     t0, buf
        add     t0, t0, a0
        sb      zero, 0(t0)
        lwg     a0, buf
        call    puts
        li      a0, 0
        lw      s1, 0(sp)
        leave   32

# check: fs_check's problems; status 3 if any.
c_check:
        enter   16
        call    fs_check
        mv      a1, a0
        la      a0, m_problems
        call    printf
        call    fs_check
        li      t0, 0
        beqz    a0, 1f
        li      t0, 3
1:      mv      a0, t0
        leave   16

# ls: the root directory, one entry a line.
c_ls:
        enter   32
        sw      s1, 0(sp)
        la      a0, p_root
        li      a1, FS_O_RDONLY
        call    fs_open
        la      a1, w_open
        call    ok
        mv      s1, a0
1:      mv      a0, s1
        la      a1, dirent
        call    fs_readdir
        la      a1, w_readdir
        call    ok
        beqz    a0, 2f
        la      a0, m_ls
        la      a1, dirent + DIRENT_NAME
        lwg     a2, dirent + DIRENT_TYPE
        lwg     a3, dirent + DIRENT_SIZE
        call    printf
        j       1b
2:      li      a0, 0
        lw      s1, 0(sp)
        leave   32

# fillbuf(n, seed): buf's first n bytes (n a multiple of 4), word i = seed * 65599 + i.
fillbuf:
        lwg     t0, buf
        add     t1, t0, a0
        li      t2, 65599
        mul     t3, a1, t2
1:      bgeu    t0, t1, 2f
        sw      t3, 0(t0)
        addi    t3, t3, 1
        addi    t0, t0, 4
        j       1b
2:      ret

# checkbuf(n, seed) -> a0 = 0 if buf + BUFSZ/2 holds what fillbuf(n, seed) would, else 1.
checkbuf:
        lwg     t0, buf
        li      t4, BUFSZ / 2
        add     t0, t0, t4
        add     t1, t0, a0
        li      t2, 65599
        mul     t3, a1, t2
1:      bgeu    t0, t1, 2f
        lw      t4, 0(t0)
        bne     t4, t3, 3f
        addi    t3, t3, 1
        addi    t0, t0, 4
        j       1b
2:      li      a0, 0
        ret
3:      li      a0, 1
        ret

# writefile(path, n, seed) -> a0 = 0 or the error: the file made anew holding fillbuf(n, seed).
writefile:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        mv      s1, a0
        mv      s2, a1
        mv      a0, a1
        mv      a1, a2
        call    fillbuf
        mv      a0, s1
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        bltz    a0, 9f
        mv      s3, a0
        lwg     a1, buf
        mv      a2, s2
        call    fs_write
        mv      s1, a0
        mv      a0, s3
        call    fs_close
        mv      a0, s1
        bltz    a0, 9f
        li      a0, 0
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

# readcheck(path, n, seed) -> a0 = 0 if the file holds exactly fillbuf(n, seed), 1 if not, or
# the error of a call.
readcheck:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        mv      s2, a1
        mv      s3, a2
        li      a1, FS_O_RDONLY
        call    fs_open
        bltz    a0, 9f
        mv      s1, a0
        lwg     a1, buf
        li      t0, BUFSZ / 2
        add     a1, a1, t0
        li      a2, BUFSZ / 2
        call    fs_read
        mv      t0, a0
        mv      a0, s1
        mv      s1, t0
        call    fs_close
        mv      a0, s1
        bltz    a0, 9f
        li      a0, 1
        bne     s1, s2, 9f
        mv      a0, s2
        mv      a1, s3
        call    checkbuf
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

# churn KIB ROUNDS: /keep and /churn (KIB KiB each, at most 128) written a block of each in
# turn, so that every segment holds both; then /churn rewritten ROUNDS times (a new pattern each
# round) and synced, which leaves segments half dead for the cleaner; then both read back.
c_churn:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        mv      s3, a1
        lw      a0, 8(s3)
        call    atoi
        slli    s1, a0, 10              # s1 = bytes
        lw      a0, 12(s3)
        call    atoi
        mv      s2, a0                  # s2 = rounds
        la      a0, p_keep
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        la      a1, w_open
        call    ok
        mv      s4, a0
        la      a0, p_churn
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        la      a1, w_open
        call    ok
        mv      s5, a0
        mv      a0, s1
        li      a1, 7
        call    fillbuf
        li      s3, 0                   # s3 = the offset
1:      bge     s3, s1, 2f
        mv      a0, s4
        lwg     a1, buf
        add     a1, a1, s3
        li      a2, 4096
        call    fs_write
        la      a1, w_write
        call    ok
        mv      a0, s5
        lwg     a1, buf
        add     a1, a1, s3
        li      a2, 4096
        call    fs_write
        la      a1, w_write
        call    ok
        li      t0, 4096
        add     s3, s3, t0
        j       1b
2:      mv      a0, s4
        call    fs_close
        mv      a0, s5
        call    fs_close
        li      s3, 0
3:      bge     s3, s2, 4f
        la      a0, p_churn
        mv      a1, s1
        addi    a2, s3, 100
        call    writefile
        la      a1, w_write
        call    ok
        call    fs_sync
        la      a1, w_sync
        call    ok
        addi    s3, s3, 1
        j       3b
4:      la      a0, p_churn
        mv      a1, s1
        addi    a2, s2, 99
        call    readcheck
        la      a1, w_read
        call    ok
        mv      s3, a0
        la      a0, p_keep
        mv      a1, s1
        li      a2, 7
        call    readcheck
        la      a1, w_read
        call    ok
        mv      a3, a0
        la      a0, m_churn
        mv      a1, s2
        srli    a2, s1, 10
        mv      a4, s3
        lwg     a5, cleaned
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   48

# fill: /keep, then /fill grown 64 KiB at a time until a write fails; what failed, whether
# /keep is intact and the check clean; then /fill goes and a write succeeds again.
c_fill:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        la      a0, p_keep
        li      a1, 8192
        li      a2, 7
        call    writefile
        la      a1, w_write
        call    ok
        la      a0, p_fill
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        la      a1, w_open
        call    ok
        mv      s1, a0
        li      s2, 0                   # s2 = KiB written
1:      mv      a0, s1
        lwg     a1, buf
        li      a2, 65536
        call    fs_write
        bltz    a0, 2f
        addi    s2, s2, 64
        j       1b
2:      mv      s3, a0
        mv      a0, s1
        call    fs_close
        la      a0, m_fill
        mv      a1, s2
        mv      a2, s3
        call    printf
        la      a0, p_fill
        la      a1, st
        call    fs_stat
        la      a0, m_size
        lwg     a1, st + STAT_SIZE
        srli    a1, a1, 10
        call    printf
        la      a0, p_keep
        li      a1, 8192
        li      a2, 7
        call    readcheck
        mv      a1, a0
        la      a0, m_keep
        call    printf
        call    fs_check
        mv      a1, a0
        la      a0, m_problems
        call    printf
        la      a0, p_fill
        call    fs_unlink
        la      a1, w_unlink
        call    ok
        la      a0, p_churn
        li      a1, 65536
        li      a2, 3
        call    writefile
        mv      a1, a0
        la      a0, m_after
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

# wild: every call given a pointer the program may not use.
c_wild:
        enter   32
        sw      s1, 0(sp)
        la      a0, p_keep
        li      a1, FS_O_RDWR | FS_O_CREAT
        call    fs_open
        la      a1, w_open
        call    ok
        mv      s1, a0
        li      a1, 0x10                # read into page zero
        li      a2, 10
        call    fs_read
        mv      a1, a0
        la      a0, m_wild_read
        call    printf
        mv      a0, s1                  # read into the program's text? allowed; into unmapped:
        li      a1, 0x50000000
        li      a2, 4096
        call    fs_read
        mv      a1, a0
        la      a0, m_wild_read2
        call    printf
        mv      a0, s1
        li      a1, 0xdead0000
        li      a2, 10
        call    fs_write
        mv      a1, a0
        la      a0, m_wild_write
        call    printf
        li      a1, 0x7ffffff8          # a buffer running off the top of the stack
        mv      a0, s1
        li      a2, 16
        call    fs_write
        mv      a1, a0
        la      a0, m_wild_tail
        call    printf
        li      a0, 0x20
        li      a1, FS_O_RDONLY
        call    fs_open
        mv      a1, a0
        la      a0, m_wild_open
        call    printf
        la      a0, p_keep
        li      a1, 0xfff00000
        call    fs_stat
        mv      a1, a0
        la      a0, m_wild_stat
        call    printf
        mv      a0, s1
        li      a1, 0
        call    fs_readdir
        mv      a1, a0
        la      a0, m_wild_readdir
        call    printf
        li      a0, 0x30
        la      a1, p_keep
        call    fs_rename
        mv      a1, a0
        la      a0, m_wild_rename
        call    printf
        li      a0, 0x7ffffff0          # the stack's top: readable
        call    fs_unlink
        mv      a1, a0
        la      a0, m_wild_unlink
        call    printf
        mv      a0, s1
        call    fs_close
        call    fs_check
        mv      a1, a0
        la      a0, m_problems
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        leave   32

# bench: guest cycles (rdcycle) of the mount, small-file create/write/close, sync, 1 MiB
# sequential write, unlink.
c_bench:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        la      a0, m_bmount
        lwg     a1, mount_cycles
        call    printf
        rdcycle s2
        li      s1, 0
1:      li      t0, 100
        bge     s1, t0, 2f
        mv      a0, s1
        call    smallname
        la      a0, namebuf
        li      a1, 1024
        mv      a2, s1
        call    writefile
        la      a1, w_write
        call    ok
        addi    s1, s1, 1
        j       1b
2:      rdcycle t0
        sub     a1, t0, s2
        li      t0, 100
        divu    a1, a1, t0
        la      a0, m_bcreate
        call    printf
        rdcycle s2
        call    fs_sync
        rdcycle t0
        sub     a1, t0, s2
        la      a0, m_bsync
        call    printf
        rdcycle s2
        la      a0, p_big
        li      a1, BUFSZ
        li      a2, 5
        call    fillbuf
        la      a0, p_big
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        mv      s3, a0
        li      s1, 0
3:      li      t0, 4
        bge     s1, t0, 4f
        mv      a0, s3
        lwg     a1, buf
        li      a2, BUFSZ
        call    fs_write
        la      a1, w_write
        call    ok
        addi    s1, s1, 1
        j       3b
4:      mv      a0, s3
        call    fs_fsync
        mv      a0, s3
        call    fs_close
        rdcycle t0
        sub     a1, t0, s2
        la      a0, m_bwrite
        call    printf
        rdcycle s2
        li      s1, 0
5:      li      t0, 100
        bge     s1, t0, 6f
        mv      a0, s1
        call    smallname
        la      a0, namebuf
        call    fs_unlink
        la      a1, w_unlink
        call    ok
        addi    s1, s1, 1
        j       5b
6:      call    fs_sync
        rdcycle t0
        sub     a1, t0, s2
        li      t0, 100
        divu    a1, a1, t0
        la      a0, m_bunlink
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   48

# readbench: after bench, on a new run (nothing cached): 1 MiB sequential read, and a stat.
c_readbench:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        rdcycle s2
        la      a0, p_big
        li      a1, FS_O_RDONLY
        call    fs_open
        la      a1, w_open
        call    ok
        mv      s3, a0
        li      s1, 0
1:      li      t0, 4
        bge     s1, t0, 2f
        mv      a0, s3
        lwg     a1, buf
        li      a2, BUFSZ
        call    fs_read
        la      a1, w_read
        call    ok
        addi    s1, s1, 1
        j       1b
2:      mv      a0, s3
        call    fs_close
        rdcycle t0
        sub     a1, t0, s2
        la      a0, m_bread
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

# smallname(i): namebuf = "/s<i>" (i < 1000).
smallname:
        la      t0, namebuf
        li      t1, '/'
        sb      t1, 0(t0)
        li      t1, 's'
        sb      t1, 1(t0)
        li      t2, 100
        divu    t1, a0, t2
        addi    t1, t1, '0'
        sb      t1, 2(t0)
        remu    a0, a0, t2
        li      t2, 10
        divu    t1, a0, t2
        addi    t1, t1, '0'
        sb      t1, 3(t0)
        remu    t1, a0, t2
        addi    t1, t1, '0'
        sb      t1, 4(t0)
        sb      zero, 5(t0)
        ret

# crashwork: forever, version i of file /c<i mod 4> (a length and contents that depend on i),
# fsync, then "synced K I" - what a host killed after that line must keep.
c_crashwork:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        la      a0, m_started
        call    puts
        li      s1, 0
1:      andi    a0, s1, 3
        call    crashname
        mv      a0, s1
        call    crashlen
        mv      a1, a0
        la      a0, namebuf
        mv      a2, s1
        call    writefile
        la      a1, w_write
        call    ok
        call    fs_sync
        la      a1, w_sync
        call    ok
        la      a0, m_synced
        andi    a1, s1, 3
        mv      a2, s1
        call    printf
        addi    s1, s1, 1
        j       1b

# crashverify: fs_check, then each /c<k>: "c<k> none", or "c<k> I ok" if it holds version I
# whole, or "c<k> corrupt".
c_crashverify:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        call    fs_check
        mv      a1, a0
        la      a0, m_problems
        call    printf
        li      s1, 0
1:      li      t0, 4
        bge     s1, t0, 5f
        mv      a0, s1
        call    crashname
        la      a0, namebuf
        li      a1, FS_O_RDONLY
        call    fs_open
        bgez    a0, 2f
        la      a0, m_none
        mv      a1, s1
        call    printf
        j       4f
2:      mv      s2, a0
        lwg     a1, buf
        li      t0, BUFSZ / 2
        add     a1, a1, t0
        li      a2, BUFSZ / 2
        call    fs_read
        mv      t0, a0
        mv      a0, s2
        mv      s2, t0                  # s2 = bytes read
        call    fs_close
        lwg     t0, buf                 # the version is the first word / 65599
        li      t1, BUFSZ / 2
        add     t0, t0, t1
        lw      t0, 0(t0)
        li      t1, 65599
        divu    a0, t0, t1
        swg     a0, version, t1
        call    crashlen
        bne     a0, s2, 3f
        mv      a0, s2
        lwg     a1, version
        call    checkbuf
        bnez    a0, 3f
        lwg     t0, version
        andi    t0, t0, 3
        bne     t0, s1, 3f
        la      a0, m_cok
        mv      a1, s1
        lwg     a2, version
        call    printf
        j       4f
3:      la      a0, m_corrupt
        mv      a1, s1
        call    printf
4:      addi    s1, s1, 1
        j       1b
5:      li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   32

# mix N: N pseudo-random operations on 16 files /m<k> (a model in memory holds each one's length, up to 16 KiB,
# and pattern): rewrite with a new length (60%), unlink (15%), rename over another (15%), sync
# (10%); fs_check after every 100 and at the end, and every file read back against the model.
# Prints "mix: N operations, F files, P problems, B bad files, C segments cleaned".
c_mix:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      s6, 20(sp)
        lw      a0, 8(a1)
        call    atoi
        mv      s1, a0                  # s1 = operations, s2 = done, s3 = the generator
        li      s2, 0
        li      s3, 12345
        li      s6, 0                   # s6 = problems fs_check found
1:      bge     s2, s1, 8f
        li      t0, 1103515245
        mul     s3, s3, t0
        addi    s3, s3, 12345
        srli    t0, s3, 16
        andi    s4, t0, 15              # s4 = the file
        srli    t0, s3, 20
        li      t1, 20
        remu    s5, t0, t1              # s5 = what to do (0..19)
        mv      a0, s4
        call    mixname
        li      t0, 12
        bge     s5, t0, 3f
        srli    t0, s3, 8               # rewrite: a new length up to 16 KiB, in words (16 such
        li      t1, 4096                # files fit the live limit of a 1 MiB image)
        remu    t0, t0, t1
        addi    t0, t0, 1
        slli    t0, t0, 2
        la      t1, mixlen
        slli    t2, s4, 2
        add     t1, t1, t2
        sw      t0, 0(t1)
        la      t1, mixseed
        add     t1, t1, t2
        addi    t3, s2, 1000
        sw      t3, 0(t1)
        la      a0, namebuf
        mv      a1, t0
        mv      a2, t3
        call    writefile
        la      a1, w_write
        call    ok
        j       7f
3:      li      t0, 15
        bge     s5, t0, 4f
        la      t1, mixlen              # unlink
        slli    t2, s4, 2
        add     t1, t1, t2
        lw      t0, 0(t1)
        beqz    t0, 7f
        sw      zero, 0(t1)
        la      a0, namebuf
        call    fs_unlink
        la      a1, w_unlink
        call    ok
        j       7f
4:      li      t0, 18
        bge     s5, t0, 6f
        la      t1, mixlen              # rename /m<s4> over /m<(s4+7) mod 16>
        slli    t2, s4, 2
        add     t1, t1, t2
        lw      t0, 0(t1)
        beqz    t0, 7f
        la      a0, namebuf
        la      a1, namebuf2
        li      a2, 8
        call    copy
        addi    s5, s4, 7
        andi    s5, s5, 15
        mv      a0, s5
        call    mixname
        la      a0, namebuf2
        la      a1, namebuf
        call    fs_rename
        la      a1, w_rename
        call    ok
        slli    t2, s4, 2
        slli    t3, s5, 2
        la      t1, mixlen
        add     t4, t1, t2
        add     t5, t1, t3
        lw      t0, 0(t4)
        sw      t0, 0(t5)
        sw      zero, 0(t4)
        la      t1, mixseed
        add     t4, t1, t2
        add     t5, t1, t3
        lw      t0, 0(t4)
        sw      t0, 0(t5)
        j       7f
6:      call    fs_sync
        la      a1, w_sync
        call    ok
7:      addi    s2, s2, 1
        li      t0, 100
        remu    t0, s2, t0
        bnez    t0, 1b
        call    fs_check
        add     s6, s6, a0
        j       1b
8:      call    fs_check
        add     s6, s6, a0
        li      s4, 0                   # s4 = the file, s5 = files, s2 = bad ones
        li      s5, 0
        li      s2, 0
9:      li      t0, 16
        bge     s4, t0, 11f
        mv      a0, s4
        call    mixname
        la      t1, mixlen
        slli    t2, s4, 2
        add     t1, t1, t2
        lw      a1, 0(t1)
        la      t1, mixseed
        add     t1, t1, t2
        lw      a2, 0(t1)
        la      a0, namebuf
        bnez    a1, 10f
        la      a1, st                  # gone: must not be found
        call    fs_stat
        li      t0, FS_ENOENT
        beq     a0, t0, 101f
        addi    s2, s2, 1
        j       101f
10:     addi    s5, s5, 1
        call    readcheck
        beqz    a0, 101f
        addi    s2, s2, 1
101:    addi    s4, s4, 1
        j       9b
11:     la      a0, m_mix
        mv      a1, s1
        mv      a2, s5
        mv      a3, s6
        mv      a4, s2
        lwg     a5, cleaned
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        leave   48

# mixname(k): namebuf = "/m<k>" (k < 16, two digits).
mixname:
        la      t0, namebuf
        li      t1, '/'
        sb      t1, 0(t0)
        li      t1, 'm'
        sb      t1, 1(t0)
        li      t2, 10
        divu    t1, a0, t2
        addi    t1, t1, '0'
        sb      t1, 2(t0)
        remu    t1, a0, t2
        addi    t1, t1, '0'
        sb      t1, 3(t0)
        sb      zero, 4(t0)
        ret

# copy(from, to, n): n bytes.
copy:
        add     t1, a0, a2
1:      bgeu    a0, t1, 2f
        lbu     t0, 0(a0)
        sb      t0, 0(a1)
        addi    a0, a0, 1
        addi    a1, a1, 1
        j       1b
2:      ret

# crashname(k): namebuf = "/c<k>". crashlen(i) -> a0 = version i's length: 4..16384, words.
crashname:
        la      t0, namebuf
        li      t1, '/'
        sb      t1, 0(t0)
        li      t1, 'c'
        sb      t1, 1(t0)
        addi    t1, a0, '0'
        sb      t1, 2(t0)
        sb      zero, 3(t0)
        ret
crashlen:
        li      t0, 7919
        mul     a0, a0, t0
        li      t0, 4096
        remu    a0, a0, t0
        addi    a0, a0, 1
        slli    a0, a0, 2
        ret

        .rodata
        .align  2
commands:
        .word   s_put, c_put, s_get, c_get, s_check, c_check, s_ls, c_ls, s_churn, c_churn
        .word   s_fill, c_fill, s_wild, c_wild, s_bench, c_bench, s_readbench, c_readbench
        .word   s_crashwork, c_crashwork, s_crashverify, c_crashverify, s_mix, c_mix, 0, 0
s_put:      .asciz "put"
s_get:      .asciz "get"
s_check:    .asciz "check"
s_ls:       .asciz "ls"
s_churn:    .asciz "churn"
s_fill:     .asciz "fill"
s_wild:     .asciz "wild"
s_bench:    .asciz "bench"
s_readbench: .asciz "readbench"
s_crashwork: .asciz "crashwork"
s_crashverify: .asciz "crashverify"
s_mix:      .asciz "mix"
w_rename:   .asciz "fs_rename"
m_mix:      .asciz "mix: %d operations, %d files, %d problems, %d bad files, %d segments cleaned\n"
w_open:     .asciz "fs_open"
w_read:     .asciz "fs_read"
w_write:    .asciz "fs_write"
w_sync:     .asciz "fs_sync"
w_unlink:   .asciz "fs_unlink"
w_readdir:  .asciz "fs_readdir"
p_root:     .asciz "/"
p_keep:     .asciz "/keep"
p_churn:    .asciz "/churn"
p_fill:     .asciz "/fill"
p_big:      .asciz "/big"
m_usage:    .asciz "usage: lfsprobe put NAME TEXT | get NAME | check | ls | churn KIB ROUNDS | fill | wild | bench | readbench | crashwork | crashverify"
m_mount:    .asciz "fs_mount: %d\n"
m_failed:   .asciz "%s: %d\n"
m_put:      .asciz "put %s: %d bytes\n"
m_problems: .asciz "problems: %d\n"
m_ls:       .asciz "%s type %d size %d\n"
m_churn:    .asciz "churn: %d rounds of %d KiB; /keep %d, /churn %d; segments cleaned: %d\n"
m_fill:     .asciz "fill: %d KiB written, then %d\n"
m_size:     .asciz "fill: size %d KiB\n"
m_keep:     .asciz "keep: %d\n"
m_after:    .asciz "after unlink: %d\n"
m_wild_read: .asciz "read into 0x10: %d\n"
m_wild_read2: .asciz "read into unreserved memory: %d\n"
m_wild_write: .asciz "write from 0xdead0000: %d\n"
m_wild_tail: .asciz "write from past the stack's top: %d\n"
m_wild_open: .asciz "open of a path at 0x20: %d\n"
m_wild_stat: .asciz "stat into 0xfff00000: %d\n"
m_wild_readdir: .asciz "readdir into 0: %d\n"
m_wild_rename: .asciz "rename from 0x30: %d\n"
m_wild_unlink: .asciz "unlink of a path at the stack's top: %d\n"
m_bmount:   .asciz "cycles: mount %d\n"
m_bcreate:  .asciz "cycles: create, write 1 KiB, close %d per file\n"
m_bsync:    .asciz "cycles: sync of 100 new files %d\n"
m_bwrite:   .asciz "cycles: write 1 MiB and fsync %d\n"
m_bunlink:  .asciz "cycles: unlink %d per file (with the sync)\n"
m_bread:    .asciz "cycles: read 1 MiB, nothing cached %d\n"
m_started:  .asciz "started"
m_synced:   .asciz "synced %d %d\n"
m_none:     .asciz "c%d none\n"
m_cok:      .asciz "c%d %d ok\n"
m_corrupt:  .asciz "c%d corrupt\n"

        .bss
        .align  2
buf:        .space 4
mount_cycles: .space 4
version:    .space 4
st:         .space STAT_BYTES
dirent:     .space DIRENT_BYTES
namebuf:    .space 32
namebuf2:   .space 32
mixlen:     .space 64                   # each file's length, 0 if it does not exist
mixseed:    .space 64
