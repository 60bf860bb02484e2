# Every file-system call of the baseline kernel through fs.inc's API (unix/fs.s), with its
# errors, wild pointers, and persistence: the first run (no arguments) works on a new image and
# leaves /keep behind; a second run ("again") on the same image reads it back. Each line is a
# label and the call's result; MonoFsTest compares them with what fs.inc promises.
        .include "unix/unix.inc"
        .include "libos/fs.inc"
        .extern fs_mount, fs_open, fs_close, fs_read, fs_write, fs_seek, fs_mkdir, fs_readdir, fs_unlink
        .extern fs_rename, fs_stat, fs_fsync, fs_sync, fs_check, fs_kind
        .text
        .globl  main
main:
        push    ra, s0, s1, s2, s3
        mv      s0, a0
        call    fs_mount
        la      a1, l_mount
        call    show
        li      t0, 2
        bge     s0, t0, again
        call    fs_kind
        call    puts
        la      a0, nl
        call    puts
# a file: write across a block, read back, a hole past the end
        la      a0, p_a
        li      a1, FS_O_CREAT | FS_O_RDWR
        call    fs_open
        mv      s1, a0
        la      a1, l_open
        call    show
        la      t0, buf
        li      t1, 0
1:      andi    t2, t1, 255
        add     t3, t0, t1
        sb      t2, 0(t3)
        addi    t1, t1, 1
        li      t2, 8192
        blt     t1, t2, 1b
        mv      a0, s1
        la      a1, buf
        li      a2, 5000
        call    fs_write
        la      a1, l_write
        call    show
        mv      a0, s1
        li      a1, 0
        li      a2, FS_SEEK_SET
        call    fs_seek
        la      a1, l_seek
        call    show
        la      a0, buf
        li      a1, 8192
        call    clear
        mv      a0, s1
        la      a1, buf
        li      a2, 8192
        call    fs_read
        la      a1, l_read
        call    show
        la      t0, buf
        lbu     a0, 4999(t0)
        la      a1, l_byte
        call    show
        mv      a0, s1
        la      a1, buf
        li      a2, 10
        call    fs_read
        la      a1, l_eof
        call    show
        mv      a0, s1
        li      a1, 100000
        li      a2, FS_SEEK_SET
        call    fs_seek
        mv      a0, s1
        la      a1, p_a
        li      a2, 1
        call    fs_write
        la      a1, l_holewrite
        call    show
        mv      a0, s1
        li      a1, 50000
        li      a2, FS_SEEK_SET
        call    fs_seek
        li      t0, 0x55
        la      t1, buf
        sb      t0, 0(t1)
        mv      a0, s1
        la      a1, buf
        li      a2, 1
        call    fs_read
        la      t0, buf
        lbu     a0, 0(t0)
        la      a1, l_hole
        call    show
        mv      a0, s1
        li      a1, -1
        li      a2, FS_SEEK_SET
        call    fs_seek
        la      a1, l_badseek
        call    show
        mv      a0, s1
        li      a1, 0
        li      a2, 7
        call    fs_seek
        la      a1, l_badwhence
        call    show
        la      a0, p_a
        la      a1, st
        call    fs_stat
        la      t0, st
        lw      a0, STAT_SIZE(t0)
        la      a1, l_size
        call    show
        la      t0, st
        lw      a0, STAT_BLOCKS(t0)
        la      a1, l_blocks
        call    show
        mv      a0, s1
        call    fs_close
        la      a1, l_close
        call    show
        mv      a0, s1
        call    fs_close
        la      a1, l_close2
        call    show
# names and directories
        la      a0, p_nope
        li      a1, FS_O_RDONLY
        call    fs_open
        la      a1, l_enoent
        call    show
        la      a0, p_a
        li      a1, FS_O_CREAT | FS_O_EXCL | FS_O_WRONLY
        call    fs_open
        la      a1, l_eexist
        call    show
        la      a0, p_d
        call    fs_mkdir
        la      a1, l_mkdir
        call    show
        la      a0, p_d
        call    fs_mkdir
        la      a1, l_mkdir2
        call    show
        la      a0, p_d
        li      a1, FS_O_WRONLY
        call    fs_open
        la      a1, l_eisdir
        call    show
        la      a0, p_ab
        li      a1, FS_O_CREAT | FS_O_WRONLY
        call    fs_open
        la      a1, l_enotdir
        call    show
        la      a0, p_dx
        li      a1, FS_O_CREAT | FS_O_WRONLY
        call    fs_open
        mv      s1, a0
        la      a1, hi
        li      a2, 2
        call    fs_write
        mv      a0, s1
        call    fs_close
        la      a0, p_d
        call    fs_unlink
        la      a1, l_enotempty
        call    show
        la      a0, p_d
        la      a1, p_dy
        call    fs_rename
        la      a1, l_intoself
        call    show
        la      a0, p_dx
        la      a1, p_dz
        call    fs_rename
        la      a1, l_rename
        call    show
        la      a0, p_dx
        li      a1, FS_O_RDONLY
        call    fs_open
        la      a1, l_renamedaway
        call    show
        la      a0, p_dot
        li      a1, FS_O_RDONLY
        call    fs_open
        la      a1, l_dot
        call    show
        la      a0, p_long
        li      a1, FS_O_CREAT | FS_O_WRONLY
        call    fs_open
        la      a1, l_long
        call    show
        la      a0, p_a
        li      a1, 3
        call    fs_open
        la      a1, l_badflags
        call    show
        call    listroot
# access modes
        la      a0, p_a
        li      a1, FS_O_RDONLY
        call    fs_open
        mv      s1, a0
        la      a1, buf
        li      a2, 1
        call    fs_write
        la      a1, l_rdonly
        call    show
        la      a0, p_d
        li      a1, FS_O_RDONLY
        call    fs_open
        mv      s2, a0
        la      a1, buf
        li      a2, 1
        call    fs_read
        la      a1, l_readdir_read
        call    show
        mv      a0, s1
        la      a1, st
        call    fs_readdir
        la      a1, l_readdir_file
        call    show
# wild pointers
        li      a0, 0x10
        li      a1, FS_O_RDONLY
        call    fs_open
        la      a1, l_wildpath
        call    show
        la      a0, p_root
        li      a1, 0
        call    fs_stat
        la      a1, l_wildstat
        call    show
        mv      a0, s1
        li      a1, 0x10
        li      a2, 10
        call    fs_read
        la      a1, l_wildread
        call    show
        mv      a0, s2
        li      a1, 0x7ffffff0
        call    fs_readdir
        la      a1, l_wilddirent
        call    show
        li      a0, 0x10
        call    fs_mkdir
        la      a1, l_wildmkdir
        call    show
        li      a0, 0x7ffffff0
        call    fs_unlink
        la      a1, l_wildunlink
        call    show
        la      a0, p_a
        li      a1, 0x10
        call    fs_rename
        la      a1, l_wildrename
        call    show
        mv      a0, s1
        call    fs_close
        mv      a0, s2
        call    fs_close
        la      a0, p_a
        li      a1, FS_O_WRONLY
        call    fs_open
        mv      s1, a0
        li      a1, 0x10
        li      a2, 10
        call    fs_write
        la      a1, l_wildwrite
        call    show
        mv      a0, s1
        la      a1, buf + 8000          # runs off the end of the last page of bss
        li      a2, 1000
        call    fs_write
        la      a1, l_pastbss
        call    show
        mv      a0, s1
        call    fs_close
# the descriptor table fills up
        li      s3, 0
3:      la      a0, p_a
        li      a1, FS_O_RDONLY
        call    fs_open
        bltz    a0, 4f
        addi    s3, s3, 1
        j       3b
4:      la      a1, l_emfile
        call    show
        mv      a0, s3
        la      a1, l_opened
        call    show
5:      beqz    s3, 6f
        addi    s3, s3, 2
        mv      a0, s3
        call    fs_close
        addi    s3, s3, -3
        j       5b
# replace, remove, persist
6:      la      a0, p_a
        la      a1, p_dz
        call    fs_rename
        la      a1, l_replace
        call    show
        la      a0, p_dz
        call    fs_unlink
        la      a1, l_unlink
        call    show
        la      a0, p_d
        call    fs_unlink
        la      a1, l_rmdir
        call    show
        la      a0, p_keep
        li      a1, FS_O_CREAT | FS_O_WRONLY | FS_O_TRUNC
        call    fs_open
        mv      s1, a0
        la      a1, persist
        li      a2, 8
        call    fs_write
        mv      a0, s1
        call    fs_fsync
        la      a1, l_fsync
        call    show
        mv      a0, s1
        call    fs_close
        call    fs_sync
        la      a1, l_sync
        call    show
        call    listroot
        call    fs_check
        la      a1, l_check
        call    show
        li      a0, 0
        pop     ra, s0, s1, s2, s3
        ret

# The second run: what the first left is there.
again:  la      a0, p_keep
        li      a1, FS_O_RDONLY
        call    fs_open
        mv      s1, a0
        la      a1, buf
        li      a2, 100
        call    fs_read
        la      a1, l_read
        call    show
        la      a0, buf
        call    puts
        mv      a0, s1
        call    fs_close
        call    listroot
        call    fs_check
        la      a1, l_check
        call    show
        li      a0, 0
        pop     ra, s0, s1, s2, s3
        ret

# listroot: one line per entry of "/": name, type, size.
listroot:
        push    ra, s1
        la      a0, p_root
        li      a1, FS_O_RDONLY
        call    fs_open
        mv      s1, a0
1:      mv      a0, s1
        la      a1, dent
        call    fs_readdir
        blez    a0, 2f
        la      a0, l_entry
        call    puts
        la      a0, dent + DIRENT_NAME
        call    puts
        la      a0, l_type
        call    puts
        la      t0, dent
        lw      a0, DIRENT_TYPE(t0)
        call    putd
        la      a0, l_entsize
        call    puts
        la      t0, dent
        lw      a0, DIRENT_SIZE(t0)
        call    putd
        la      a0, nl
        call    puts
        j       1b
2:      mv      a0, s1
        call    fs_close
        pop     ra, s1
        ret

# clear(a0 = buf, a1 = bytes)
clear:  add     a1, a0, a1
1:      bgeu    a0, a1, 2f
        sb      zero, 0(a0)
        addi    a0, a0, 1
        j       1b
2:      ret

# show(a0 = value, a1 = label): prints "label value".
show:   push    ra, s0
        mv      s0, a0
        mv      a0, a1
        call    puts
        la      a0, space
        call    puts
        mv      a0, s0
        call    putd
        la      a0, nl
        call    puts
        pop     ra, s0
        ret

# puts(a0 = NUL-terminated string)
puts:   mv      t0, a0
1:      lbu     t1, 0(t0)
        beqz    t1, 2f
        addi    t0, t0, 1
        j       1b
2:      sub     a2, t0, a0
        mv      a1, a0
        li      a0, 1
        syscall SYS_WRITE
        ret

# putd(a0): a signed decimal number.
putd:   la      t0, digits + 15
        sb      zero, 0(t0)
        mv      t2, a0
        bgez    a0, 1f
        sub     a0, zero, a0
1:      li      t1, 10
        remu    t3, a0, t1
        divu    a0, a0, t1
        addi    t3, t3, 48
        addi    t0, t0, -1
        sb      t3, 0(t0)
        bnez    a0, 1b
        bgez    t2, 2f
        li      t3, 45
        addi    t0, t0, -1
        sb      t3, 0(t0)
2:      mv      a0, t0
        j       puts

        .data
p_root: .asciz "/"
p_a:    .asciz "/a"
p_ab:   .asciz "/a/b"
p_nope: .asciz "nope"
p_d:    .asciz "//d/"
p_dx:   .asciz "/d/x"
p_dy:   .asciz "/d/y"
p_dz:   .asciz "d/z"
p_dot:  .asciz "/d/./z"
p_keep: .asciz "/keep"
p_long: .asciz "/abcdefghijklmnopqrstuvwxyz01"
hi:     .asciz "hi"
persist: .asciz "persist\n"
space:  .asciz " "
nl:     .asciz "\n"
l_mount: .asciz "mount"
l_open: .asciz "open"
l_write: .asciz "write"
l_seek: .asciz "seek"
l_read: .asciz "read"
l_byte: .asciz "byte4999"
l_eof:  .asciz "eof"
l_holewrite: .asciz "write-past-end"
l_hole: .asciz "hole-byte"
l_badseek: .asciz "seek-negative"
l_badwhence: .asciz "seek-whence"
l_size: .asciz "size"
l_blocks: .asciz "blocks"
l_close: .asciz "close"
l_close2: .asciz "close-again"
l_enoent: .asciz "open-missing"
l_eexist: .asciz "open-excl"
l_mkdir: .asciz "mkdir"
l_mkdir2: .asciz "mkdir-again"
l_eisdir: .asciz "open-dir-write"
l_enotdir: .asciz "open-under-file"
l_enotempty: .asciz "unlink-full-dir"
l_intoself: .asciz "rename-into-self"
l_rename: .asciz "rename"
l_renamedaway: .asciz "open-old-name"
l_dot:  .asciz "open-dot"
l_long: .asciz "open-long-name"
l_badflags: .asciz "open-bad-flags"
l_rdonly: .asciz "write-rdonly"
l_readdir_read: .asciz "read-dir"
l_readdir_file: .asciz "readdir-file"
l_wildpath: .asciz "wild-path"
l_wildstat: .asciz "wild-stat"
l_wildread: .asciz "wild-read"
l_wilddirent: .asciz "wild-dirent"
l_wildmkdir: .asciz "wild-mkdir"
l_wildunlink: .asciz "wild-unlink"
l_wildrename: .asciz "wild-rename"
l_wildwrite: .asciz "wild-write"
l_pastbss: .asciz "write-past-bss"
l_emfile: .asciz "open-too-many"
l_opened: .asciz "opened"
l_replace: .asciz "rename-replace"
l_unlink: .asciz "unlink"
l_rmdir: .asciz "rmdir"
l_fsync: .asciz "fsync"
l_sync: .asciz "sync"
l_check: .asciz "check"
l_entry: .asciz "entry "
l_type: .asciz " type "
l_entsize: .asciz " size "
        .align  4
digits: .space  16
st:     .space  STAT_BYTES
dent:   .space  DIRENT_BYTES
        .bss
buf:    .space  8192
