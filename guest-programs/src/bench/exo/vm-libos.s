# vm-libos: the Appel & Li set on the library OS's virtual memory (guest-runtime/src/libos/vm.s),
# as ExOS ran it in the paper's Table 10: pages from vm_alloc, protect(i) = vm_protect_none of
# one page, unprotect(i) = vm_unprotect (which installs the page again at once), the 100-page
# variants one call for the range, dirty = vm_dirty on pages under vm_track_dirty, and traps
# delivered to the handler given to vm_set_fault_handler, which returns 1 to retry the access.
# Variants (argv[2]) as in vm.s, and two of its own: 7 (miss) flushes a page's binding and reads
# it, so the library OS's fast path resolves the miss (page-table lookup, tlb_write); 8 is trap
# with a full-frame handler (vm_set_fault_handler) instead of the light one every other variant
# registers (vm_set_light_fault_handler; on_fault reads no register from the frame); 9 is miss
# with the page table's lookup downloaded into the kernel (vm_download_lookup), which fills it.
# 10, 11 and 12 are trap, appel1 and appel2 with the pages marked PTE_AUTO and the library OS's
# protection handler downloaded (vm_download_protect_handler): the kernel unprotects the faulting
# page (appel1: and protects the one opened before) with no upcall; the traps are the library
# OS's count of them (vm_auto_faults), and appel1's open page is the library OS's (vm_auto_open).
        .include "libos/libos.inc"
        .include "harness.inc"
        .macro  page_base reg
        la      \reg, base
        lw      \reg, 0(\reg)
        .endm
        .extern vm_alloc, vm_protect_none, vm_unprotect, vm_track_dirty, vm_dirty
        .extern vm_set_fault_handler, vm_set_light_fault_handler, vm_download_lookup
        .extern vm_set_flags, vm_download_protect_handler, vm_auto_faults, vm_auto_open
.equ PAGES, 100
.equ SCRAMBLE, 37
        .data
        .align  4
base:   .word 0
traps:  .word 0
open:   .word 0
policy: .word 0
seed:   .word 12345
variants: .word v_dirty, v_prot1, v_prot100, v_unprot100, v_trap, v_appel1, v_appel2, v_miss, v_trap, v_miss_dl
          .word v_trap_dl, v_appel1_dl, v_appel2_dl
        .text
        .globl  main
main:
        push    ra, s0, s1, s2, s3, s4
        call    bench_args
        mv      s0, a0                  # N
        mv      s1, a1                  # variant
        la      t0, policy
        sw      s1, 0(t0)
        la      a0, on_fault
        li      t0, 8
        beq     s1, t0, 3f
        call    vm_set_light_fault_handler
        j       4f
3:      call    vm_set_fault_handler
4:
        li      a0, PAGES
        call    vm_alloc
        beqz    a0, fail
        la      t0, base
        sw      a0, 0(t0)
        mv      t0, a0                  # touch every page once
        li      t1, PAGES * 4096
        add     t1, t1, a0
1:      sw      zero, 0(t0)
        addi    t0, t0, 4096
        bne     t0, t1, 1b
        la      t0, base                # dirty tracking from here on; dirty the odd pages
        lw      a0, 0(t0)
        li      a1, PAGES
        call    vm_track_dirty
        li      s3, 1
2:      slli    t0, s3, 12
        la      t1, base
        lw      t1, 0(t1)
        add     t0, t0, t1
        sw      s3, 0(t0)
        addi    s3, s3, 2
        li      t0, PAGES
        blt     s3, t0, 2b
        li      s2, 0                   # i
        li      s4, 0                   # ops counted here (prot1, prot100, unprot100)
        slli    t0, s1, 2
        la      t1, variants
        add     t0, t0, t1
        lw      t0, 0(t0)
        jr      t0

v_dirty:
        call    bench_begin
1:      call    random
        slli    a0, a0, 12
        la      t0, base
        lw      t0, 0(t0)
        add     a0, a0, t0
        call    vm_dirty
        addi    s4, s4, 1               # one lookup (dirty or not)
        addi    s2, s2, 1
        bne     s2, s0, 1b
        j       timed_done

        .include "../vm-rows.inc"

v_miss_dl:
        li      a0, 1
        call    vm_download_lookup
        bnez    a0, fail
v_miss:
        li      s3, 0                   # the page
        call    bench_begin
1:      slli    t2, s3, 12
        page_base t1
        add     t2, t2, t1
        mv      a0, t2
        sys_tlb_flush                   # no binding in the TLB or the STLB (keeps t2)
        lw      t1, 0(t2)               # a miss the library OS resolves
        addi    s4, s4, 1
        addi    s3, s3, 1
        li      t0, PAGES
        bne     s3, t0, 2f
        li      s3, 0
2:      addi    s2, s2, 1
        bne     s2, s0, 1b
        j       timed_done

v_trap_dl:
        li      a0, VM_AUTO_UNPROTECT
        call    auto_setup
        li      s3, 0                   # the page
        call    bench_begin
1:      mv      a0, s3
        call    protect
        slli    t0, s3, 12
        page_base t1
        add     t0, t0, t1
        lw      t1, 0(t0)               # traps; the kernel unprotects
        addi    s3, s3, 1
        li      t0, PAGES
        bne     s3, t0, 2f
        li      s3, 0
2:      addi    s2, s2, 1
        bne     s2, s0, 1b
        j       auto_trapped

v_appel1_dl:
        li      a0, VM_AUTO_ONE_OPEN
        call    auto_setup
        call    protect_all
        page_base t0
        lw      t1, 0(t0)               # traps: the kernel opens page 0
        la      t0, vm_auto_faults
        sw      zero, 0(t0)
        call    bench_begin
1:      call    random
        slli    a0, a0, 12
        page_base t1
        add     a0, a0, t1
        la      t0, vm_auto_open
        lw      t0, 4(t0)               # the open page would not trap: take the next
        bne     a0, t0, 2f
        li      t0, 4096
        add     a0, a0, t0
        li      t0, PAGES * 4096
        add     t1, t1, t0
        bne     a0, t1, 2f
        page_base a0
2:      lw      t1, 0(a0)               # traps; the kernel closes the open page, opens this one
        addi    s2, s2, 1
        bne     s2, s0, 1b
        j       auto_trapped

v_appel2_dl:
        li      a0, VM_AUTO_UNPROTECT
        call    auto_setup
        call    bench_begin
1:      call    protect_all
        li      s3, 0                   # k
2:      li      t0, SCRAMBLE
        mul     t0, s3, t0
        li      t1, PAGES
        remu    t0, t0, t1
        slli    t0, t0, 12
        page_base t1
        add     t0, t0, t1
        lw      t1, 0(t0)               # traps; the kernel unprotects
        addi    s3, s3, 1
        li      t0, PAGES
        bne     s3, t0, 2b
        addi    s2, s2, 1
        bne     s2, s0, 1b

auto_trapped:
        call    bench_end
        la      t0, vm_auto_faults
        lw      s4, 0(t0)
        j       done

# auto_setup(mode): marks every page PTE_AUTO and downloads the protection handler in mode;
# exits 70 if the kernel refuses it.
auto_setup:
        push    ra, s1
        mv      s1, a0
        page_base a0
        li      a1, PAGES
        li      a2, PTE_AUTO
        li      a3, 0
        call    vm_set_flags
        mv      a0, s1
        call    vm_download_protect_handler
        bnez    a0, 1f
        pop     ra, s1
        ret
1:      li      a0, 70
        sys_env_exit

# protect(i) / unprotect(i): the library OS call for page i. -> a0 = 0.
protect:
        la      t1, vm_protect_none
        j       1f
unprotect:
        la      t1, vm_unprotect
1:      slli    a0, a0, 12
        la      t0, base
        lw      t0, 0(t0)
        add     a0, a0, t0
        li      a1, 1
        push    ra
        jalr    ra, 0(t1)
        pop     ra
        li      a0, 0
        ret

protect_all:
        la      t1, vm_protect_none
        j       1f
unprotect_all:
        la      t1, vm_unprotect
1:      la      a0, base
        lw      a0, 0(a0)
        li      a1, PAGES
        push    ra
        jalr    ra, 0(t1)
        pop     ra
        ret

# on_fault(frame, va, cause): a trap on a protected page; the policy of the variant, then
# return 1: the library OS retries the access.
on_fault:
        push    ra, s1
        la      t0, base
        lw      t0, 0(t0)
        sub     s1, a1, t0
        srli    s1, s1, 12              # the page
        sltiu   t0, s1, PAGES
        beqz    t0, wild
        la      t0, traps
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        la      t0, policy
        lw      t0, 0(t0)
        li      t1, 5
        bne     t0, t1, 1f
        la      t0, open                # appel1: close the open page, open this one
        lw      a0, 0(t0)
        sw      s1, 0(t0)
        call    protect
1:      mv      a0, s1
        call    unprotect
        li      a0, 1
        pop     ra, s1
        ret
wild:   li      a0, 0                   # not ours: fatal
        pop     ra, s1
        ret
