# files: the user's tool for the library OS's file system (fs.inc; docs/libos.md, "Files"): it
# uses only fs.inc's calls, so it runs on whichever file system its runtime list links.
#   exo run --disk fs.img --disk-create 16M guest-programs/src/files.s -- put /notes/a hello
#   exo run --disk fs.img guest-programs/src/files.s -- ls /notes
# Commands: ls [PATH] | cat PATH | put PATH TEXT... | append PATH TEXT... | mkdir PATH |
# rm PATH | mv FROM TO | cp FROM TO | stat PATH | fsck | df
# Exit status: 0 done, 1 a file-system error (one line: files: PATH: message), 2 no disk,
# 3 fsck found problems, 4 the disk cannot be mounted (another format, or damaged), 5 usage.
# Without a disk it says so and exits with status 2.
# expect: files: no disk; run with --disk IMAGE (and --disk-create 16M the first time)
# status: 2
        .include "libos/libos.inc"
        .include "libos/fs.inc"
        .extern printf, puts, putc, strcmp, strlen, exit
        .extern fs_mount, fs_open, fs_close, fs_read, fs_write, fs_mkdir, fs_readdir, fs_unlink
        .extern fs_rename, fs_stat, fs_sync, fs_check, fs_kind, fs_df
.equ BUF, 4096

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
        mv      s1, a0                  # s1 = argc, s2 = argv
        mv      s2, a1
        call    fs_mount
        li      t0, FS_ENODEV
        beq     a0, t0, nodisk
        bltz    a0, nomount
        li      t0, 2
        blt     s1, t0, usage
        lw      s3, 4(s2)               # s3 = the command, s4 = its first argument
        lw      s4, 8(s2)
        la      s5, commands            # s5 = the table: name, handler, least and most argc
1:      lw      a1, 0(s5)
        beqz    a1, usage
        mv      a0, s3
        call    strcmp
        beqz    a0, 2f
        addi    s5, s5, 16
        j       1b
2:      lw      t0, 8(s5)
        blt     s1, t0, usage
        lw      t0, 12(s5)
        bgt     s1, t0, usage
        lw      t0, 4(s5)
        jalr    ra, 0(t0)               # a0 = the exit status
        j       ret

nodisk: la      a0, m_nodisk
        call    puts
        li      a0, 2
        j       ret
nomount:
        call    errmsg
        mv      a1, a0
        la      a0, m_nomount
        call    printf
        li      a0, 4
        j       ret
usage:  la      a0, m_usage
        call    puts
        li      a0, 5
ret:    lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        lw      s7, 24(sp)
        leave   48

# The commands run inside main's frame: s1 = argc, s2 = argv, s4 = the first argument; they
# may use s5..s7 and return the exit status.

# fail(path, error) -> 1, after "files: PATH: message".
fail:
        enter   16
        sw      a0, 0(sp)
        mv      a0, a1
        call    errmsg
        mv      a2, a0
        lw      a1, 0(sp)
        la      a0, m_fail
        call    printf
        li      a0, 1
        leave   16

# synced(path) -> 0, or 1 after saying why the changes could not be made durable.
synced:
        enter   16
        sw      a0, 0(sp)
        call    fs_sync
        mv      a1, a0
        lw      a0, 0(sp)
        beqz    a1, 8f
        call    fail
        j       9f
8:      li      a0, 0
9:      leave   16

# errmsg(error) -> its message.
errmsg:
        la      t0, errors
1:      lw      t1, 0(t0)
        beqz    t1, 2f
        beq     t1, a0, 2f
        addi    t0, t0, 8
        j       1b
2:      lw      a0, 4(t0)
        ret

do_ls:
        enter   16
        la      s5, root
        li      t0, 3
        bne     s1, t0, 1f
        mv      s5, s4                  # s5 = the path
1:      mv      a0, s5
        la      a1, statbuf
        call    fs_stat
        bltz    a0, 8f
        la      t0, statbuf
        lw      t1, STAT_TYPE(t0)
        li      t2, FS_T_DIR
        beq     t1, t2, 2f
        la      a0, m_ls                # a file: its own line
        mv      a1, s5
        la      a2, t_file
        lw      a3, STAT_SIZE(t0)
        call    printf
        li      a0, 0
        j       9f
2:      mv      a0, s5
        li      a1, FS_O_RDONLY
        call    fs_open
        bltz    a0, 8f
        mv      s6, a0
3:      mv      a0, s6
        la      a1, dirent
        call    fs_readdir
        bltz    a0, 8f
        beqz    a0, 5f
        la      t0, dirent
        lw      t1, DIRENT_TYPE(t0)
        la      a2, t_file
        li      t2, FS_T_DIR
        bne     t1, t2, 4f
        la      a2, t_dir
4:      la      a0, m_ls
        addi    a1, t0, DIRENT_NAME
        lw      a3, DIRENT_SIZE(t0)
        call    printf
        j       3b
5:      mv      a0, s6
        call    fs_close
        li      a0, 0
        j       9f
8:      mv      a1, a0
        mv      a0, s5
        call    fail
9:      leave   16

do_cat:
        enter   16
        mv      a0, s4
        li      a1, FS_O_RDONLY
        call    fs_open
        bltz    a0, 8f
        mv      s6, a0
1:      mv      a0, s6
        la      a1, buf
        li      a2, BUF
        call    fs_read
        bltz    a0, 8f
        beqz    a0, 3f
        la      s7, buf
        add     s5, s7, a0              # s5 = past the bytes read
2:      bgeu    s7, s5, 1b
        lbu     a0, 0(s7)
        call    putc
        addi    s7, s7, 1
        j       2b
3:      mv      a0, s6
        call    fs_close
        li      a0, 0
        j       9f
8:      mv      a1, a0
        mv      a0, s4
        call    fail
9:      leave   16

do_put:
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC
        j       put_text
do_append:
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_APPEND

# put_text(-, flags): the arguments after the path, joined by spaces, and a newline.
put_text:
        enter   16
        mv      a0, s4
        call    fs_open
        bltz    a0, 8f
        mv      s6, a0
        li      s5, 3                   # s5 = the argument
1:      bge     s5, s1, 3f
        li      t0, 3
        beq     s5, t0, 2f
        mv      a0, s6
        la      a1, space
        li      a2, 1
        call    fs_write
        bltz    a0, 8f
2:      slli    t0, s5, 2
        add     t0, t0, s2
        lw      s7, 0(t0)
        mv      a0, s7
        call    strlen
        mv      a2, a0
        mv      a0, s6
        mv      a1, s7
        call    fs_write
        bltz    a0, 8f
        addi    s5, s5, 1
        j       1b
3:      mv      a0, s6
        la      a1, newline
        li      a2, 1
        call    fs_write
        bltz    a0, 8f
        mv      a0, s6
        call    fs_close
        mv      a0, s4
        call    synced
        j       9f
8:      mv      a1, a0
        mv      a0, s4
        call    fail
9:      leave   16

do_mkdir:
        enter   16
        mv      a0, s4
        call    fs_mkdir
        j       path_done

do_rm:
        enter   16
        mv      a0, s4
        call    fs_unlink

# path_done: the end of a command on the path s4 with result a0 (inside its frame of 16).
path_done:
        bltz    a0, 8f
        mv      a0, s4
        call    synced
        j       9f
8:      mv      a1, a0
        mv      a0, s4
        call    fail
9:      leave   16

do_mv:
        enter   16
        mv      a0, s4
        lw      a1, 12(s2)
        call    fs_rename
        j       path_done

# cp FROM TO: s5 = from's fd, s6 = to's fd, s7 = bytes in the buffer.
do_cp:
        enter   16
        mv      a0, s4
        la      a1, statbuf
        call    fs_stat
        bltz    a0, 8f
        la      t0, statbuf
        lw      t0, STAT_TYPE(t0)
        li      t1, FS_T_DIR
        li      a0, FS_EISDIR
        beq     t0, t1, 8f
        lw      a0, 12(s2)              # a file copied onto itself would be truncated first
        la      a1, dirent
        call    fs_stat
        bltz    a0, 1f
        la      t0, statbuf
        lw      t0, STAT_INO(t0)
        la      t1, dirent
        lw      t1, STAT_INO(t1)
        li      a0, FS_EINVAL
        beq     t0, t1, 7f
1:      mv      a0, s4
        li      a1, FS_O_RDONLY
        call    fs_open
        bltz    a0, 8f
        mv      s5, a0
        lw      a0, 12(s2)
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        bltz    a0, 7f
        mv      s6, a0
3:      mv      a0, s5
        la      a1, buf
        li      a2, BUF
        call    fs_read
        bltz    a0, 8f
        beqz    a0, 2f
        mv      a2, a0
        mv      a0, s6
        la      a1, buf
        call    fs_write
        bltz    a0, 7f
        j       3b
2:      mv      a0, s5
        call    fs_close
        mv      a0, s6
        call    fs_close
        lw      a0, 12(s2)
        call    synced
        j       9f
7:      mv      a1, a0                  # an error on the target
        lw      a0, 12(s2)
        call    fail
        j       9f
8:      mv      a1, a0
        mv      a0, s4
        call    fail
9:      leave   16

do_stat:
        enter   16
        mv      a0, s4
        la      a1, statbuf
        call    fs_stat
        bltz    a0, 8f
        la      t0, statbuf
        lw      t1, STAT_TYPE(t0)
        li      t2, FS_T_DIR
        la      a0, m_statf
        bne     t1, t2, 1f
        la      a0, m_statd
1:      mv      a1, s4
        lw      a2, STAT_SIZE(t0)
        lw      a3, STAT_BLOCKS(t0)
        lw      a4, STAT_INO(t0)
        call    printf
        li      a0, 0
        j       9f
8:      mv      a1, a0
        mv      a0, s4
        call    fail
9:      leave   16

do_fsck:
        enter   16
        call    fs_check
        mv      s5, a0
        bltz    s5, 8f
        call    fs_kind
        mv      a1, a0
        mv      a2, s5
        la      a0, m_fsck
        call    printf
        li      a0, 0
        beqz    s5, 9f
        li      a0, 3
        j       9f
8:      mv      a1, s5
        la      a0, root
        call    fail
9:      leave   16

do_df:
        enter   16
        la      a0, statbuf
        call    fs_df
        bltz    a0, 8f
        call    fs_kind
        mv      a1, a0
        la      t0, statbuf
        lw      a2, DF_BLOCKS(t0)
        lw      a4, DF_FREE(t0)
        sub     a3, a2, a4
        la      a0, m_df
        call    printf
        li      a0, 0
        j       9f
8:      mv      a1, a0
        la      a0, root
        call    fail
9:      leave   16

        .rodata
        .align  2
commands:                               # name, handler, argc at least, at most
        .word   c_ls, do_ls, 2, 3
        .word   c_cat, do_cat, 3, 3
        .word   c_put, do_put, 3, 1000
        .word   c_append, do_append, 3, 1000
        .word   c_mkdir, do_mkdir, 3, 3
        .word   c_rm, do_rm, 3, 3
        .word   c_mv, do_mv, 4, 4
        .word   c_cp, do_cp, 4, 4
        .word   c_stat, do_stat, 3, 3
        .word   c_fsck, do_fsck, 2, 2
        .word   c_df, do_df, 2, 2
        .word   0, 0, 0, 0
errors:
        .word   FS_ENOENT, e_noent
        .word   FS_EIO, e_io
        .word   FS_EBADF, e_badf
        .word   FS_EEXIST, e_exist
        .word   FS_ENODEV, e_nodev
        .word   FS_ENOTDIR, e_notdir
        .word   FS_EISDIR, e_isdir
        .word   FS_EINVAL, e_inval
        .word   FS_EMFILE, e_mfile
        .word   FS_EFBIG, e_fbig
        .word   FS_ENOSPC, e_nospc
        .word   FS_ENAMETOOLONG, e_nametoolong
        .word   FS_ENOTEMPTY, e_notempty
        .word   FS_EFOREIGN, e_foreign
        .word   FS_EFAULT, e_fault
        .word   0, e_unknown
c_ls:   .asciz  "ls"
c_cat:  .asciz  "cat"
c_put:  .asciz  "put"
c_append:
        .asciz  "append"
c_mkdir:
        .asciz  "mkdir"
c_rm:   .asciz  "rm"
c_mv:   .asciz  "mv"
c_cp:   .asciz  "cp"
c_stat: .asciz  "stat"
c_fsck: .asciz  "fsck"
c_df:   .asciz  "df"
e_noent:
        .asciz  "no such file or directory"
e_io:   .asciz  "I/O error"
e_badf: .asciz  "bad file descriptor"
e_exist:
        .asciz  "file exists"
e_nodev:
        .asciz  "no disk"
e_notdir:
        .asciz  "not a directory"
e_isdir:
        .asciz  "is a directory"
e_inval:
        .asciz  "invalid argument"
e_mfile:
        .asciz  "too many open files"
e_fbig: .asciz  "file too large"
e_nospc:
        .asciz  "no space left on the disk"
e_nametoolong:
        .asciz  "file name too long"
e_notempty:
        .asciz  "directory not empty"
e_foreign:
        .asciz  "the disk holds another format"
e_fault:
        .asciz  "bad address"
e_unknown:
        .asciz  "unknown error"
root:   .asciz  "/"
space:  .asciz  " "
newline:
        .asciz  "\n"
t_file: .asciz  "file"
t_dir:  .asciz  "dir"
m_ls:   .asciz  "%s %s %d\n"
m_statf:
        .asciz  "%s: file, %d bytes, %d blocks, inode %d\n"
m_statd:
        .asciz  "%s: directory, %d entries, %d blocks, inode %d\n"
m_fsck: .asciz  "files: fsck: %s file system, %d problems\n"
m_df:   .asciz  "%s: %d blocks, %d used, %d free\n"
m_fail: .asciz  "files: %s: %s\n"
m_nomount:
        .asciz  "files: cannot mount the disk: %s\n"
m_nodisk:
        .asciz  "files: no disk; run with --disk IMAGE (and --disk-create 16M the first time)"
m_usage:
        .asciz  "usage: files ls [PATH] | cat PATH | put PATH TEXT... | append PATH TEXT... | mkdir PATH | rm PATH | mv FROM TO | cp FROM TO | stat PATH | fsck | df"

        .bss
        .align  2
statbuf:
        .space  STAT_BYTES
dirent: .space  DIRENT_BYTES
buf:    .space  BUF
