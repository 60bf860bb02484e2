# pt_twolevel.s: the page table as a two-level radix tree (one of two implementations; a
# program picks one at link time, see docs/libos.md).
#
# A virtual page number (20 bits) splits into a directory index (high 12 bits) and a leaf index
# (low 8 bits). The directory is 4096 words in .bss; each leaf is one page of page-table
# storage holding 256 records of 16 bytes {PTE, capability low, capability high, unused}.
# Lookup is two loads; insertion never moves a record.
        .include "libos.inc"
        .extern ptmem_page

.equ LEAF_SHIFT, 8
.equ LEAF_MASK, 0xFF
.equ REC_SHIFT, 4

# dir_slot: t1 = the address of the directory word for vpn a0 (t0 is clobbered).
.macro dir_slot
        srli    t0, a0, LEAF_SHIFT
        slli    t0, t0, 2
        la      t1, pt_dir
        add     t1, t1, t0
.endm

# leaf_record rd, leaf: rd = the address of vpn a0's record in leaf page leaf (t0 is clobbered).
.macro leaf_record rd, leaf
        andi    t0, a0, LEAF_MASK
        slli    t0, t0, REC_SHIFT
        add     \rd, \leaf, t0
.endm

        .text
        .globl  pt_init, pt_lookup, pt_span, pt_insert, pt_remove, pt_walk, pt_kind
        .globl  pt_miss_code, pt_miss_end, pt_fast_prot
        .globl  pt_prot_code, pt_prot_end, pt_open_code, pt_open_end
        .extern vm_prot_found, vm_entry_app, vm_miss_flags, vm_auto_faults, vm_auto_open
pt_init:
        ret

# pt_lookup(vpn) -> a0 = the record of vpn, or 0 if it has none. A leaf that uses no stack,
# touches only guaranteed memory and clobbers only a0, t0, t1 (the interface allows a0, a1,
# t0..t2): vm_entry's fast path relies on it.
pt_lookup:
        dir_slot
        lw      t1, 0(t1)
        beqz    t1, 1f
        leaf_record t1, t1
        lw      t0, PTREC_PTE(t1)
        beqz    t0, 1f
        mv      a0, t1
        ret
1:      li      a0, 0
        ret

# fast_lookup rec, pte, noleaf, keep: vm_entry's lookup, inline (libos.inc's vm_miss_path;
# pt_fast_prot for vm_entry_prot): a0 = the faulting address (kept) -> rec = the record, pte =
# its PTE (0: none); no leaf: noleaf. Two loads; clobbers only rec and pte, never ra (keep is
# for page tables whose lookup clobbers more).
.macro fast_lookup rec, pte, noleaf, keep
        srli    \pte, a0, PAGE_SHIFT + LEAF_SHIFT
        slli    \pte, \pte, 2
        la      \rec, pt_dir
        add     \rec, \rec, \pte
        lw      \rec, 0(\rec)           # the leaf
        bnez    \rec, 1f
        j       \noleaf
1:      srli    \pte, a0, PAGE_SHIFT - REC_SHIFT
        andi    \pte, \pte, LEAF_MASK << REC_SHIFT
        add     \rec, \rec, \pte          # the record
        lw      \pte, PTREC_PTE(\rec)
.endm
        vm_miss_path
pt_fast_prot:
        fast_lookup t1, t0, vm_entry_app, 0
        j       vm_prot_found

# pt_span(vpn, end) -> a0 = the record of the first vpn in [vpn, end) whose leaf exists, a1 =
# how many record slots follow for consecutive vpns in that leaf (slot a0 + 16k is vpn a2 + k's,
# PTE 0 if unused; a1 = 0: none left), a2 = that first vpn. A leaf clobbering only a0..a3,
# t0..t3: range operations walk a leaf's records in a row instead of looking each page up.
pt_span:
1:      bgeu    a0, a1, 8f
        srli    t0, a0, LEAF_SHIFT
        slli    t0, t0, 2
        la      t1, pt_dir
        add     t1, t1, t0
        lw      t1, 0(t1)               # the leaf
        ori     t2, a0, LEAF_MASK
        addi    t2, t2, 1               # the first vpn of the next leaf
        bnez    t1, 2f
        mv      a0, t2                  # no leaf: nothing reserved in it
        j       1b
2:      bltu    t2, a1, 3f
        mv      t2, a1                  # the span ends at the range's end or the leaf's
3:      mv      a2, a0
        sub     a1, t2, a0
        leaf_record a0, t1
        ret
8:      li      a1, 0
        ret

# pt_insert(vpn) -> a0 = the record of vpn, created zeroed (PTE 0) if it had none. Records
# never move, so the pointer stays valid until pt_remove.
pt_insert:
        dir_slot
        lw      t2, 0(t1)
        bnez    t2, 1f
        enter   16
        sw      a0, 0(sp)
        sw      t1, 4(sp)
        call    ptmem_page
        mv      t2, a0
        lw      a0, 0(sp)
        lw      t1, 4(sp)
        sw      t2, 0(t1)
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
1:      leaf_record a0, t2
        ret

# pt_remove(vpn): forgets vpn's record.
pt_remove:
        dir_slot
        lw      t1, 0(t1)
        beqz    t1, 1f
        leaf_record t1, t1
        sw      zero, PTREC_PTE(t1)
        sw      zero, PTREC_CAPLO(t1)
        sw      zero, PTREC_CAPHI(t1)
1:      ret

# pt_walk(fn, arg): calls fn(vpn, record, arg) for every record in use, in vpn order. fn may
# change records but not insert or remove any.
pt_walk:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        mv      s1, a0
        mv      s2, a1
        li      s3, 0                   # directory index
1:      li      t0, 4096
        beq     s3, t0, 5f
        slli    t0, s3, 2
        la      t1, pt_dir
        add     t1, t1, t0
        lw      s4, 0(t1)               # leaf
        beqz    s4, 4f
        li      s5, 0
2:      li      t0, 256
        beq     s5, t0, 4f
        slli    t0, s5, REC_SHIFT
        add     a1, s4, t0
        lw      t0, PTREC_PTE(a1)
        beqz    t0, 3f
        slli    a0, s3, LEAF_SHIFT
        or      a0, a0, s5
        mv      a2, s2
        jalr    ra, 0(s1)
3:      addi    s5, s5, 1
        j       2b
4:      addi    s3, s3, 1
        j       1b
5:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   32

# pt_miss_code .. pt_miss_end: pt_lookup as a downloaded TLB-miss handler (vm_download_lookup):
# code in the kernel's verified subset, never run by the CPU. a0 = the faulting address; it
# reads only pt_dir (bss) and the leaves (page-table storage), both guaranteed mappings.
# pt_dl_lookup fail: the lookup of downloaded code: a0 = the address -> t1 = the record, t0 = its
# PTE (0: none); no leaf: fail.
.macro pt_dl_lookup fail
        srli    t0, a0, PAGE_SHIFT + LEAF_SHIFT
        slli    t0, t0, 2
        la      t1, pt_dir
        add     t1, t1, t0
        lw      t1, 0(t1)               # the leaf
        beq     t1, zero, \fail
        srli    t0, a0, PAGE_SHIFT - REC_SHIFT
        andi    t0, t0, LEAF_MASK << REC_SHIFT
        add     t1, t1, t0              # the record
        lw      t0, PTREC_PTE(t1)
.endm

# pt_va_lookup fail: vm_page_paths's lookup, the same two loads.
.macro pt_va_lookup fail
        pt_dl_lookup \fail
.endm
        vm_page_paths

pt_miss_code:
        pt_dl_lookup 9f
        miss_policy
pt_miss_end:

# pt_prot_code .. pt_prot_end, pt_open_code .. pt_open_end: the downloaded protection handler
# (libos.inc's prot_handler; vm_download_protect_handler), without and with one open page.
pt_prot_code:
        prot_handler 0
pt_prot_end:
pt_open_code:
        prot_handler 1
pt_open_end:

        .rodata
pt_kind:
        .asciz  "two-level"

        .bss
        .align  4
pt_dir:
        .space  4096 * 4
