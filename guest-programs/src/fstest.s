# fstest: exercises every call of the library OS's file-system API (libos/fs.inc) and every
# error it names, on a fresh disk: create, write, read, seek (holes, past the end), O_APPEND,
# O_TRUNC, O_EXCL, mkdir, readdir (after unlink; a directory of several blocks), rename (over a
# file, into a directory, a directory itself, not into itself), stat, fsync, a file of 4 MiB
# read back at odd offsets, the limits (FS_NAME_MAX, FS_OPEN_MAX, FS_FILE_MAX), and fs_check = 0
# at the end. It uses only what fs.inc promises, so it runs unchanged on every file system of
# the library OS (the runtime list picks one):
#   exo run --runtime runtime-lfs.list --disk fs.img --disk-create 16M guest-programs/src/fstest.s
# Each section prints "NAME: ok", or a FAIL line for each check that did not hold (its number in
# the section, what the call returned and what fs.inc says it must); the exit status is 1 if any
# failed. Without a disk (or on one holding something else) it says so and exits with status 2.
# disk: 16M
# runtime: runtime-lfs.list
# expect: mount: ok
# expect: files: ok
# expect: errors: ok
# expect: limits: ok
# expect: holes: ok
# expect: append and truncate: ok
# expect: rename: ok
# expect: readdir: ok
# expect: many files: ok
# expect: large file: ok
# expect: sync: ok
# expect: fs_check: 0
        .include "libos/libos.inc"
        .include "libos/fs.inc"
        .extern printf, memset, memcpy, strcmp, vm_alloc
        .extern fs_mount, fs_open, fs_close, fs_read, fs_write, fs_seek, fs_mkdir, fs_readdir
        .extern fs_unlink, fs_rename, fs_stat, fs_fsync, fs_sync, fs_check
.equ BIG, 4 * 1024 * 1024       # the large file
.equ CHUNK, 65536               # written and read this much at a time
.equ NMANY, 300                 # files in one directory

# T want: checks that a0 (a call's result) is want; a0 is kept.
.macro T want
        li      a1, \want
        call    expect
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
        li      a0, (CHUNK / PAGE_SIZE) * 2
        call    vm_alloc
        swg     a0, buf, t0             # buf: two chunks (written, then read back)

# ---- mount ----
        la      a0, s_mount
        call    section
        call    fs_mount
        beqz    a0, 1f
        mv      a1, a0                  # no disk, or one holding something else
        la      a0, m_nomount
        call    printf
        li      a0, 2
        j       9f
1:      T       0
        call    fs_mount                # again: already mounted
        T       0
        call    done

# ---- files: create, write, read, seek, stat, close ----
        la      a0, s_files
        call    section
        la      a0, p_a
        li      a1, FS_O_RDWR | FS_O_CREAT
        call    fs_open
        mv      s1, a0
        slti    a0, a0, 0
        T       0
        mv      a0, s1
        la      a1, text
        li      a2, 100
        call    fs_write
        T       100
        mv      a0, s1
        li      a1, 0
        li      a2, FS_SEEK_CUR
        call    fs_seek
        T       100
        mv      a0, s1
        li      a1, 0
        li      a2, FS_SEEK_SET
        call    fs_seek
        T       0
        mv      a0, s1
        lwg     a1, buf
        li      a2, 200
        call    fs_read
        T       100
        lwg     a0, buf
        la      a1, text
        li      a2, 100
        call    cmpbytes
        T       0
        mv      a0, s1
        lwg     a1, buf
        li      a2, 200
        call    fs_read                 # at the end
        T       0
        mv      a0, s1
        li      a1, -10
        li      a2, FS_SEEK_END
        call    fs_seek
        T       90
        mv      a0, s1
        lwg     a1, buf
        li      a2, 4
        call    fs_read
        T       4
        lwg     a0, buf
        la      a1, text + 90
        li      a2, 4
        call    cmpbytes
        T       0
        la      a0, p_a
        la      a1, st
        call    fs_stat
        T       0
        lwg     a0, st + STAT_TYPE
        T       FS_T_FILE
        lwg     a0, st + STAT_SIZE
        T       100
        lwg     a0, st + STAT_BLOCKS
        T       1
        mv      a0, s1
        call    fs_close
        T       0
        mv      a0, s1
        call    fs_close                # closed already
        T       FS_EBADF
        la      a0, p_a_slashes         # "//a/": empty components are ignored
        li      a1, FS_O_RDONLY
        call    fs_open
        mv      s1, a0
        slti    a0, a0, 0
        T       0
        mv      a0, s1
        lwg     a1, buf
        li      a2, 3
        call    fs_read
        T       3
        mv      a0, s1
        call    fs_close
        T       0
        la      a0, p_root
        la      a1, st2
        call    fs_stat
        T       0
        lwg     a0, st2 + STAT_TYPE
        T       FS_T_DIR
        lwg     a0, st2 + STAT_SIZE     # entries in /
        T       1
        call    done

# ---- errors ----
        la      a0, s_errors
        call    section
        la      a0, p_nope
        li      a1, FS_O_RDONLY
        call    fs_open
        T       FS_ENOENT
        la      a0, p_a
        li      a1, FS_O_RDWR | FS_O_CREAT | FS_O_EXCL
        call    fs_open
        T       FS_EEXIST
        la      a0, p_a_b               # a file used as a directory
        li      a1, FS_O_RDONLY
        call    fs_open
        T       FS_ENOTDIR
        la      a0, p_nodir_x           # a missing directory
        li      a1, FS_O_RDWR | FS_O_CREAT
        call    fs_open
        T       FS_ENOENT
        la      a0, p_a
        li      a1, FS_O_ACCMODE
        call    fs_open
        T       FS_EINVAL
        la      a0, p_dot
        li      a1, FS_O_RDONLY
        call    fs_open
        T       FS_EINVAL
        la      a0, p_dotdot
        li      a1, FS_O_RDWR | FS_O_CREAT
        call    fs_open
        T       FS_EINVAL
        la      a0, p_a
        call    fs_mkdir
        T       FS_EEXIST
        la      a0, p_root
        call    fs_mkdir
        T       FS_EEXIST
        la      a0, p_d
        call    fs_mkdir
        T       0
        la      a0, p_d
        li      a1, FS_O_RDWR
        call    fs_open
        T       FS_EISDIR
        la      a0, p_d
        li      a1, FS_O_WRONLY | FS_O_CREAT
        call    fs_open
        T       FS_EISDIR
        la      a0, p_d
        li      a1, FS_O_RDONLY
        call    fs_open
        mv      s1, a0
        lwg     a1, buf
        li      a2, 10
        call    fs_read
        T       FS_EISDIR
        mv      a0, s1
        lwg     a1, buf
        li      a2, 10
        call    fs_write
        T       FS_EBADF
        mv      a0, s1
        call    fs_close
        T       0
        la      a0, p_a                 # readdir of a file
        li      a1, FS_O_RDONLY
        call    fs_open
        mv      s1, a0
        la      a1, dirent
        call    fs_readdir
        T       FS_ENOTDIR
        mv      a0, s1                  # write on a read-only descriptor
        la      a1, text
        li      a2, 5
        call    fs_write
        T       FS_EBADF
        mv      a0, s1
        li      a1, 0
        li      a2, 7
        call    fs_seek
        T       FS_EINVAL
        mv      a0, s1
        li      a1, -1
        li      a2, FS_SEEK_SET
        call    fs_seek
        T       FS_EINVAL
        mv      a0, s1
        call    fs_close
        la      a0, p_a                 # read on a write-only descriptor
        li      a1, FS_O_WRONLY
        call    fs_open
        mv      s1, a0
        lwg     a1, buf
        li      a2, 5
        call    fs_read
        T       FS_EBADF
        mv      a0, s1
        call    fs_close
        li      s2, -1                  # bad descriptors: -1, FS_OPEN_MAX, 1000, closed ones
1:      mv      a0, s2
        lwg     a1, buf
        li      a2, 1
        call    fs_read
        T       FS_EBADF
        mv      a0, s2
        la      a1, text
        li      a2, 1
        call    fs_write
        T       FS_EBADF
        mv      a0, s2
        li      a1, 0
        li      a2, FS_SEEK_SET
        call    fs_seek
        T       FS_EBADF
        mv      a0, s2
        la      a1, dirent
        call    fs_readdir
        T       FS_EBADF
        mv      a0, s2
        call    fs_fsync
        T       FS_EBADF
        mv      a0, s2
        call    fs_close
        T       FS_EBADF
        li      t0, -1
        bne     s2, t0, 2f
        li      s2, FS_OPEN_MAX
        j       1b
2:      li      t0, FS_OPEN_MAX
        bne     s2, t0, 3f
        li      s2, 1000
        j       1b
3:      la      a0, p_d_f               # a non-empty directory
        li      a1, FS_O_WRONLY | FS_O_CREAT
        call    fs_open
        call    fs_close
        T       0
        la      a0, p_d
        call    fs_unlink
        T       FS_ENOTEMPTY
        la      a0, p_nope
        call    fs_unlink
        T       FS_ENOENT
        la      a0, p_root
        call    fs_unlink
        T       FS_EINVAL
        la      a0, p_nope
        la      a1, st
        call    fs_stat
        T       FS_ENOENT
        la      a0, p_nope
        la      a1, p_b
        call    fs_rename
        T       FS_ENOENT
        la      a0, p_d                 # a directory into itself
        la      a1, p_d_sub
        call    fs_rename
        T       FS_EINVAL
        la      a0, p_d
        la      a1, p_d
        call    fs_rename               # onto itself: nothing happens
        T       0
        la      a0, p_d_f
        la      a1, st
        call    fs_stat
        T       0
        call    done

# ---- limits: names, open files, file size ----
        la      a0, s_limits
        call    section
        la      a0, p_name27
        li      a1, FS_O_RDWR | FS_O_CREAT
        call    fs_open
        mv      s1, a0
        slti    a0, a0, 0
        T       0
        mv      a0, s1
        call    fs_close
        la      a0, p_name28
        li      a1, FS_O_RDWR | FS_O_CREAT
        call    fs_open
        T       FS_ENAMETOOLONG
        la      a0, p_name28
        call    fs_mkdir
        T       FS_ENAMETOOLONG
        la      a0, p_name28
        la      a1, st
        call    fs_stat
        T       FS_ENAMETOOLONG
        li      s2, 0                   # FS_OPEN_MAX descriptors, then one more
4:      li      t0, FS_OPEN_MAX
        bge     s2, t0, 5f
        la      a0, p_a
        li      a1, FS_O_RDONLY
        call    fs_open
        la      t0, fds
        slli    t1, s2, 2
        add     t0, t0, t1
        sw      a0, 0(t0)
        slti    a0, a0, 0
        T       0
        addi    s2, s2, 1
        j       4b
5:      la      a0, p_a
        li      a1, FS_O_RDONLY
        call    fs_open
        T       FS_EMFILE
        la      a0, p_new               # and nothing is created meanwhile
        li      a1, FS_O_RDWR | FS_O_CREAT
        call    fs_open
        T       FS_EMFILE
        la      a0, p_new
        la      a1, st
        call    fs_stat
        T       FS_ENOENT
        li      s2, 0
6:      li      t0, FS_OPEN_MAX
        bge     s2, t0, 7f
        la      t0, fds
        slli    t1, s2, 2
        add     t0, t0, t1
        lw      a0, 0(t0)
        call    fs_close
        T       0
        addi    s2, s2, 1
        j       6b
7:      la      a0, p_big               # the largest offset a file may reach
        li      a1, FS_O_RDWR | FS_O_CREAT
        call    fs_open
        mv      s1, a0
        li      a1, FS_FILE_MAX - 1
        li      a2, FS_SEEK_SET
        call    fs_seek
        T       FS_FILE_MAX - 1
        mv      a0, s1
        la      a1, text
        li      a2, 1
        call    fs_write
        T       1
        mv      a0, s1                  # one byte more is too many
        la      a1, text
        li      a2, 1
        call    fs_write
        T       FS_EFBIG
        mv      a0, s1
        li      a1, FS_FILE_MAX - 2
        li      a2, FS_SEEK_SET
        call    fs_seek
        mv      a0, s1
        la      a1, text
        li      a2, 3
        call    fs_write                # crossing the limit: nothing written
        T       FS_EFBIG
        la      a0, p_big
        la      a1, st
        call    fs_stat
        lwg     a0, st + STAT_SIZE
        T       FS_FILE_MAX
        mv      a0, s1
        li      a1, -1
        li      a2, FS_SEEK_END
        call    fs_seek
        mv      a0, s1
        lwg     a1, buf
        li      a2, 10
        call    fs_read
        T       1
        lwg     a0, buf
        lbu     a0, 0(a0)
        la      t0, text
        lbu     a1, 0(t0)
        call    expect
        mv      a0, s1
        call    fs_close
        la      a0, p_big
        call    fs_unlink
        T       0
        call    done

# ---- holes and seeking past the end ----
        la      a0, s_holes
        call    section
        la      a0, p_h
        li      a1, FS_O_RDWR | FS_O_CREAT
        call    fs_open
        mv      s1, a0
        li      a1, 10000
        li      a2, FS_SEEK_SET
        call    fs_seek
        T       10000
        mv      a0, s1
        la      a1, text
        li      a2, 3
        call    fs_write
        T       3
        la      a0, p_h
        la      a1, st
        call    fs_stat
        lwg     a0, st + STAT_SIZE
        T       10003
        mv      a0, s1
        li      a1, 100
        li      a2, FS_SEEK_END         # past the end: allowed, reads nothing
        call    fs_seek
        T       10103
        mv      a0, s1
        lwg     a1, buf
        li      a2, 10
        call    fs_read
        T       0
        mv      a0, s1
        li      a1, 0
        li      a2, FS_SEEK_SET
        call    fs_seek
        lwg     a0, buf                 # fill with 0xff: the hole must overwrite it with zeros
        li      a1, 0xff
        li      a2, 10003
        call    memset
        mv      a0, s1
        lwg     a1, buf
        li      a2, 20000
        call    fs_read
        T       10003
        lwg     a0, buf
        li      a1, 10000
        call    zeros
        T       1
        lwg     a0, buf
        li      t0, 10000
        add     a0, a0, t0
        la      a1, text
        li      a2, 3
        call    cmpbytes
        T       0
        mv      a0, s1                  # a write past the end leaves a second hole
        li      a1, 20000
        li      a2, FS_SEEK_SET
        call    fs_seek
        mv      a0, s1
        la      a1, text
        li      a2, 1
        call    fs_write
        T       1
        mv      a0, s1
        li      a1, 10003
        li      a2, FS_SEEK_SET
        call    fs_seek
        lwg     a0, buf
        li      a1, 0xff
        li      a2, 9997
        call    memset
        mv      a0, s1
        lwg     a1, buf
        li      a2, 9997
        call    fs_read
        T       9997
        lwg     a0, buf
        li      a1, 9997
        call    zeros
        T       1
        mv      a0, s1
        call    fs_close
        T       0
        call    done

# ---- O_APPEND, O_TRUNC ----
        la      a0, s_append
        call    section
        la      a0, p_ap
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_APPEND
        call    fs_open
        mv      s1, a0
        la      a1, w_one
        li      a2, 3
        call    fs_write
        T       3
        mv      a0, s1
        li      a1, 0
        li      a2, FS_SEEK_SET
        call    fs_seek
        mv      a0, s1
        la      a1, w_two
        li      a2, 3
        call    fs_write                # at the end all the same
        T       3
        mv      a0, s1
        call    fs_close
        la      a0, p_ap
        call    slurp
        T       6
        lwg     a0, buf
        la      a1, w_onetwo
        li      a2, 6
        call    cmpbytes
        T       0
        la      a0, p_ap
        li      a1, FS_O_RDWR | FS_O_TRUNC
        call    fs_open
        mv      s1, a0
        la      a0, p_ap
        la      a1, st
        call    fs_stat
        lwg     a0, st + STAT_SIZE
        T       0
        lwg     a0, st + STAT_BLOCKS
        T       0
        mv      a0, s1
        la      a1, w_two
        li      a2, 3
        call    fs_write
        T       3
        mv      a0, s1
        call    fs_close
        la      a0, p_ap                # O_TRUNC on a read-only open changes nothing
        li      a1, FS_O_RDONLY | FS_O_TRUNC
        call    fs_open
        call    fs_close
        la      a0, p_ap
        call    slurp
        T       3
        la      a0, p_ap                # O_CREAT without O_EXCL opens the existing file
        li      a1, FS_O_RDWR | FS_O_CREAT
        call    fs_open
        call    fs_close
        la      a0, p_ap
        call    slurp
        T       3
        call    done

# ---- rename ----
        la      a0, s_rename
        call    section
        la      a0, p_r1
        la      a1, w_first
        li      a2, 5
        call    mkfile
        la      a0, p_r2
        la      a1, w_second
        li      a2, 6
        call    mkfile
        la      a0, p_r1
        la      a1, st
        call    fs_stat
        lwg     s2, st + STAT_INO       # s2 = r1's inode
        la      a0, p_r1                # over an existing file
        la      a1, p_r2
        call    fs_rename
        T       0
        la      a0, p_r1
        la      a1, st
        call    fs_stat
        T       FS_ENOENT
        la      a0, p_r2
        call    slurp
        T       5
        lwg     a0, buf
        la      a1, w_first
        li      a2, 5
        call    cmpbytes
        T       0
        la      a0, p_r2
        la      a1, st
        call    fs_stat
        lwg     a0, st + STAT_INO
        mv      a1, s2
        call    expect
        la      a0, p_r2                # into a directory
        la      a1, p_d_r3
        call    fs_rename
        T       0
        la      a0, p_d                 # a directory, with what it holds
        la      a1, p_e
        call    fs_rename
        T       0
        la      a0, p_e_r3
        call    slurp
        T       5
        la      a0, p_d_f
        la      a1, st
        call    fs_stat
        T       FS_ENOENT
        la      a0, p_e_f
        la      a1, st
        call    fs_stat
        T       0
        la      a0, p_e                 # a directory over a file, a file over a directory
        la      a1, p_a
        call    fs_rename
        T       FS_ENOTDIR
        la      a0, p_a
        la      a1, p_e
        call    fs_rename
        T       FS_EISDIR
        la      a0, p_e_r3              # a file renamed onto itself
        la      a1, p_e_r3
        call    fs_rename
        T       0
        la      a0, p_e_r3
        call    slurp
        T       5
        call    done

# ---- readdir: every entry once, none after its unlink ----
        la      a0, s_readdir
        call    section
        la      a0, p_ls
        call    fs_mkdir
        T       0
        li      s2, 0
1:      li      t0, 5
        bge     s2, t0, 2f
        mv      a0, s2
        la      a1, p_ls_prefix
        call    mkname
        la      a0, pathbuf
        la      a1, text
        mv      a2, s2                  # file i holds i bytes
        call    mkfile
        addi    s2, s2, 1
        j       1b
2:      li      a0, 2
        la      a1, p_ls_prefix
        call    mkname
        la      a0, pathbuf
        call    fs_unlink
        T       0
        la      a0, p_ls
        call    listdir                 # -> bitmask of the f<i> seen, each with size i
        T       0b11011
        lwg     a0, list_count
        T       4
        lwg     a0, list_bad
        T       0
        la      a0, p_ls
        la      a1, st
        call    fs_stat
        lwg     a0, st + STAT_SIZE      # a directory's size: its entries
        T       4
        la      a0, p_root              # the root: a, d->e, h, ap, ls, and the 27-byte name
        call    listdir
        lwg     a0, list_count
        T       6
        lwg     a0, list_dirs
        T       2
        call    done

# ---- many files in one directory (more than a directory block) ----
        la      a0, s_many
        call    section
        la      a0, p_many
        call    fs_mkdir
        T       0
        li      s2, 0
1:      li      t0, NMANY
        bge     s2, t0, 2f
        mv      a0, s2
        la      a1, p_many_prefix
        call    mkname
        la      a0, pathbuf
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_EXCL
        call    fs_open
        mv      s1, a0
        slti    a0, a0, 0
        T       0
        mv      a0, s1
        call    fs_close
        addi    s2, s2, 1
        j       1b
2:      la      a0, p_many
        la      a1, st
        call    fs_stat
        lwg     a0, st + STAT_SIZE
        T       NMANY
        la      a0, p_many
        call    listdir
        lwg     a0, list_count
        T       NMANY
        li      a0, NMANY - 1           # the last one is found by name
        la      a1, p_many_prefix
        call    mkname
        la      a0, pathbuf
        la      a1, st
        call    fs_stat
        T       0
        li      s2, 0                   # every other one goes, then the rest
3:      li      t0, NMANY
        bge     s2, t0, 4f
        mv      a0, s2
        la      a1, p_many_prefix
        call    mkname
        la      a0, pathbuf
        call    fs_unlink
        T       0
        addi    s2, s2, 2
        j       3b
4:      la      a0, p_many
        call    listdir
        lwg     a0, list_count
        T       NMANY / 2
        li      s2, 1
5:      li      t0, NMANY
        bge     s2, t0, 6f
        mv      a0, s2
        la      a1, p_many_prefix
        call    mkname
        la      a0, pathbuf
        call    fs_unlink
        T       0
        addi    s2, s2, 2
        j       5b
6:      la      a0, p_many
        call    listdir
        lwg     a0, list_count
        T       0
        la      a0, p_many
        call    fs_unlink
        T       0
        call    done

# ---- a large file: 4 MiB in 64 KiB writes, fsync, read back whole and at odd offsets ----
        la      a0, s_large
        call    section
        la      a0, p_large
        li      a1, FS_O_RDWR | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        mv      s1, a0
        li      s2, 0                   # s2 = the offset
1:      li      t0, BIG
        bge     s2, t0, 2f
        lwg     a0, buf
        mv      a1, s2
        li      a2, CHUNK
        call    pattern
        mv      a0, s1
        lwg     a1, buf
        li      a2, CHUNK
        call    fs_write
        T       CHUNK
        li      t0, CHUNK
        add     s2, s2, t0
        j       1b
2:      mv      a0, s1
        call    fs_fsync
        T       0
        la      a0, p_large
        la      a1, st
        call    fs_stat
        lwg     a0, st + STAT_SIZE
        T       BIG
        lwg     a0, st + STAT_BLOCKS
        T       BIG / PAGE_SIZE
        mv      a0, s1
        li      a1, 0
        li      a2, FS_SEEK_SET
        call    fs_seek
        li      s2, 0
        li      s3, 0                   # s3 = chunks that differ
3:      li      t0, BIG
        bge     s2, t0, 4f
        lwg     a0, buf
        mv      a1, s2
        li      a2, CHUNK
        call    pattern
        mv      a0, s1
        lwg     a1, buf
        li      t0, CHUNK
        add     a1, a1, t0
        li      a2, CHUNK
        call    fs_read
        T       CHUNK
        lwg     a0, buf
        li      t0, CHUNK
        add     a1, a0, t0
        li      a2, CHUNK
        call    cmpbytes
        snez    a0, a0
        add     s3, s3, a0
        li      t0, CHUNK
        add     s2, s2, t0
        j       3b
4:      mv      a0, s3
        T       0
        li      s2, 12345               # reads across block boundaries at odd offsets
        li      s3, 0
5:      li      t0, BIG - 10000
        bge     s2, t0, 6f
        mv      a0, s1
        mv      a1, s2
        li      a2, FS_SEEK_SET
        call    fs_seek
        mv      a0, s1
        lwg     a1, buf
        li      a2, 9999
        call    fs_read
        T       9999
        lwg     a0, buf
        li      t0, CHUNK
        add     a0, a0, t0
        li      t0, -4
        and     a1, s2, t0
        li      a2, 10008
        call    pattern
        lwg     a0, buf
        li      t0, CHUNK
        add     a1, a0, t0
        andi    t0, s2, 3
        add     a1, a1, t0
        li      a2, 9999
        call    cmpbytes
        snez    a0, a0
        add     s3, s3, a0
        li      t0, 777777
        add     s2, s2, t0
        j       5b
6:      mv      a0, s3
        T       0
        mv      a0, s1                  # overwrite a range in the middle, read it back
        li      a1, 1000000
        li      a2, FS_SEEK_SET
        call    fs_seek
        mv      a0, s1
        la      a1, text
        li      a2, 100
        call    fs_write
        T       100
        mv      a0, s1
        li      a1, 999990
        li      a2, FS_SEEK_SET
        call    fs_seek
        mv      a0, s1
        lwg     a1, buf
        li      a2, 120
        call    fs_read
        T       120
        lwg     a0, buf
        addi    a0, a0, 10
        la      a1, text
        li      a2, 100
        call    cmpbytes
        T       0
        mv      a0, s1
        call    fs_close
        la      a0, p_large
        call    fs_unlink
        T       0
        call    done

# ---- sync ----
        la      a0, s_sync
        call    section
        la      a0, p_a
        li      a1, FS_O_RDWR
        call    fs_open
        mv      s1, a0
        la      a1, text
        li      a2, 50
        call    fs_write
        mv      a0, s1
        call    fs_fsync
        T       0
        mv      a0, s1
        call    fs_close
        call    fs_sync
        T       0
        call    fs_sync                 # nothing new
        T       0
        call    done

        call    fs_check
        mv      a1, a0
        la      a0, m_check
        call    printf
        lwg     a0, fails
        snez    a0, a0
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        lw      s7, 24(sp)
        leave   48

# expect(got, want) -> a0 = got: counts a check; prints a FAIL line if got is not want.
expect:
        enter   32
        sw      s1, 0(sp)
        mv      s1, a0
        lwg     t0, nchk
        addi    t0, t0, 1
        swg     t0, nchk, t1
        beq     a0, a1, 1f
        mv      a4, a1
        mv      a3, a0
        mv      a2, t0
        lwg     a1, cur
        la      a0, m_fail
        call    printf
        lwg     t0, fails
        addi    t0, t0, 1
        swg     t0, fails, t1
1:      mv      a0, s1
        lw      s1, 0(sp)
        leave   32

# section(name): a new section of checks.
section:
        swg     a0, cur, t0
        swg     zero, nchk, t0
        lwg     t0, fails
        swg     t0, sec_fails, t1
        ret

# done(): "NAME: ok" if none of the section's checks failed.
done:
        enter   16
        lwg     t0, fails
        lwg     t1, sec_fails
        bne     t0, t1, 9f
        la      a0, m_ok
        lwg     a1, cur
        call    printf
9:      leave   16

# cmpbytes(a, b, n) -> a0 = 0 if the n bytes at a and b are the same, else 1 (by words when
# a, b and n are all word-aligned).
cmpbytes:
        add     t2, a0, a2
        or      t0, a0, a1
        or      t0, t0, a2
        andi    t0, t0, 3
        bnez    t0, 1f
3:      bgeu    a0, t2, 2f
        lw      t0, 0(a0)
        lw      t1, 0(a1)
        addi    a0, a0, 4
        addi    a1, a1, 4
        beq     t0, t1, 3b
        li      a0, 1
        ret
1:      bgeu    a0, t2, 2f
        lbu     t0, 0(a0)
        lbu     t1, 0(a1)
        addi    a0, a0, 1
        addi    a1, a1, 1
        beq     t0, t1, 1b
        li      a0, 1
        ret
2:      li      a0, 0
        ret

# zeros(p, n) -> a0 = 1 if the n bytes at p are all zero, else 0.
zeros:
        add     t1, a0, a1
1:      bgeu    a0, t1, 2f
        lbu     t0, 0(a0)
        addi    a0, a0, 1
        beqz    t0, 1b
        li      a0, 0
        ret
2:      li      a0, 1
        ret

# pattern(p, offset, n): the n bytes of the large file from offset (a multiple of 4): each word
# is its offset times an odd number, so a block in the wrong place shows.
pattern:
        add     t1, a0, a2
        li      t2, 2654435761
1:      bgeu    a0, t1, 2f
        mul     t0, a1, t2
        sw      t0, 0(a0)
        addi    a0, a0, 4
        addi    a1, a1, 4
        j       1b
2:      ret

# mkname(i, prefix): pathbuf = prefix followed by i in decimal.
mkname:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        la      a0, pathbuf
1:      lbu     t0, 0(a1)
        beqz    t0, 2f
        sb      t0, 0(a0)
        addi    a0, a0, 1
        addi    a1, a1, 1
        j       1b
2:      li      t0, 0                   # digits pushed on the stack, lowest first
        li      t2, 10
3:      remu    t1, s1, t2
        addi    t1, t1, '0'
        addi    sp, sp, -4
        sw      t1, 0(sp)
        addi    t0, t0, 1
        divu    s1, s1, t2
        bnez    s1, 3b
4:      lw      t1, 0(sp)
        addi    sp, sp, 4
        sb      t1, 0(a0)
        addi    a0, a0, 1
        addi    t0, t0, -1
        bnez    t0, 4b
        sb      zero, 0(a0)
        lw      s1, 0(sp)
        leave   16

# mkfile(path, data, n): the file made (or emptied) holding the n bytes at data.
mkfile:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        mv      s2, a1
        mv      s3, a2
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        mv      s1, a0
        slti    a0, a0, 0
        T       0
        mv      a0, s1
        mv      a1, s2
        mv      a2, s3
        call    fs_write
        mv      a1, s3
        call    expect
        mv      a0, s1
        call    fs_close
        T       0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

# slurp(path) -> a0 = the bytes of the file read into buf (at most CHUNK), or an error.
slurp:
        enter   16
        sw      s1, 0(sp)
        li      a1, FS_O_RDONLY
        call    fs_open
        bltz    a0, 9f
        mv      s1, a0
        lwg     a1, buf
        li      a2, CHUNK
        call    fs_read
        mv      t0, a0
        mv      a0, s1
        mv      s1, t0
        call    fs_close
        mv      a0, s1
9:      lw      s1, 0(sp)
        leave   16

# listdir(path) -> a0 = a bitmask of the entries "f<i>" (i < 32) seen with size i; list_count =
# entries, list_dirs = directories among them, list_bad = names seen twice or wrongly sized.
listdir:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        swg     zero, list_count, t0
        swg     zero, list_dirs, t0
        swg     zero, list_bad, t0
        li      s2, 0
        li      a1, FS_O_RDONLY
        call    fs_open
        mv      s1, a0
        slti    a0, a0, 0
        T       0
1:      mv      a0, s1
        la      a1, dirent
        call    fs_readdir
        beqz    a0, 5f
        T       1
        bltz    a0, 5f
        lwg     t0, list_count
        addi    t0, t0, 1
        swg     t0, list_count, t1
        lwg     t0, dirent + DIRENT_TYPE
        li      t1, FS_T_DIR
        bne     t0, t1, 2f
        lwg     t0, list_dirs
        addi    t0, t0, 1
        swg     t0, list_dirs, t1
2:      la      t0, dirent + DIRENT_NAME
        lbu     t1, 0(t0)
        li      t2, 'f'
        bne     t1, t2, 1b
        lbu     t1, 1(t0)
        addi    t1, t1, -'0'
        bltz    t1, 1b
        li      t2, 10
        bge     t1, t2, 1b
        lbu     t2, 2(t0)
        bnez    t2, 1b
        lwg     t2, dirent + DIRENT_SIZE
        bne     t2, t1, 3f
        li      t2, 1
        sll     t2, t2, t1
        and     t3, s2, t2
        bnez    t3, 3f
        or      s2, s2, t2
        j       1b
3:      lwg     t0, list_bad
        addi    t0, t0, 1
        swg     t0, list_bad, t1
        j       1b
5:      mv      a0, s1
        call    fs_close
        mv      a0, s2
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

        .rodata
s_mount:    .asciz "mount"
s_files:    .asciz "files"
s_errors:   .asciz "errors"
s_limits:   .asciz "limits"
s_holes:    .asciz "holes"
s_append:   .asciz "append and truncate"
s_rename:   .asciz "rename"
s_readdir:  .asciz "readdir"
s_many:     .asciz "many files"
s_large:    .asciz "large file"
s_sync:     .asciz "sync"
m_ok:       .asciz "%s: ok\n"
m_fail:     .asciz "FAIL %s, check %d: got %d, want %d\n"
m_check:    .asciz "fs_check: %d\n"
m_nomount:  .asciz "fstest: fs_mount: %d (run it with --disk IMAGE --disk-create 16M)\n"
p_root:     .asciz "/"
p_a:        .asciz "/a"
p_a_slashes: .asciz "//a/"
p_a_b:      .asciz "/a/b"
p_b:        .asciz "/b"
p_nope:     .asciz "/nope"
p_nodir_x:  .asciz "/nodir/x"
p_dot:      .asciz "/./a"
p_dotdot:   .asciz "/../x"
p_d:        .asciz "/d"
p_d_f:      .asciz "/d/f"
p_d_sub:    .asciz "/d/sub"
p_d_r3:     .asciz "/d/r3"
p_e:        .asciz "/e"
p_e_f:      .asciz "/e/f"
p_e_r3:     .asciz "e/r3"
p_new:      .asciz "/new"
p_big:      .asciz "/big"
p_h:        .asciz "/h"
p_ap:       .asciz "/ap"
p_r1:       .asciz "/r1"
p_r2:       .asciz "/r2"
p_ls:       .asciz "/ls"
p_ls_prefix: .asciz "/ls/f"
p_many:     .asciz "/many"
p_many_prefix: .asciz "/many/file-number-"
p_large:    .asciz "/large"
p_name27:   .asciz "/abcdefghijklmnopqrstuvwxyz0"
p_name28:   .asciz "/abcdefghijklmnopqrstuvwxyz01"
w_one:      .asciz "one"
w_two:      .asciz "two"
w_onetwo:   .asciz "onetwo"
w_first:    .asciz "first"
w_second:   .asciz "second"
text:       .ascii "The exokernel exports disk blocks; the library OS builds a file system on them. "
            .ascii "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,;:!?"

        .bss
        .align  2
buf:        .space 4
cur:        .space 4
nchk:       .space 4
fails:      .space 4
sec_fails:  .space 4
list_count: .space 4
list_dirs:  .space 4
list_bad:   .space 4
st:         .space STAT_BYTES
st2:        .space STAT_BYTES
dirent:     .space DIRENT_BYTES
fds:        .space 4 * FS_OPEN_MAX
pathbuf:    .space 64
