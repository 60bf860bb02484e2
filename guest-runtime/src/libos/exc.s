# exc.s: exception entry and exit, entirely at user level.
#
# exc_init points every forwardable cause at exc_entry; vm_init (vm.s) then points TLB misses and
# write faults at vm_entry, the virtual-memory fast path, which saves only what it uses (beside
# the save area, FAST_SAVE) and comes here for what it does not resolve itself.
#
# The kernel delivers every other forwarded exception to exc_entry with k0 = EPC, k1 = the save
# area (exc_save) and the save area's busy word set. exc_entry saves the full register set in a
# frame on the exception stack, copies EPC/CAUSE/BADVADDR into it, clears the busy word (from
# then on a fault in the handler is a nested exception, not a double fault) and calls
# exc_dispatch(frame). The exit path sets the busy word again (so no upcall can clobber k0/k1
# while registers are restored), restores everything and returns with `jr k0`, without
# entering the kernel.
#
# Nesting: each level has its own EXC_LEVEL bytes of exception stack just below the save area,
# so level d's frame lies at exc_save - d*EXC_LEVEL - FR_SIZE and its handler runs below it.
# exc_depth counts active levels; the thread scheduler never switches while it is non-zero.
        .include "libos.inc"
        .extern cons_flush, panic, vm_fault, vm_revoke

        .text
        .globl  exc_init
# exc_init(): sets the save area and points every forwardable cause at exc_entry.
exc_init:
        enter   16
        sw      s1, 0(sp)
        li      a0, 0
        li      a1, 0
        li      a2, 0
        la      a3, exc_save
        sys_env_set_save_area
        bltz    a0, 9f
        li      s1, CAUSE_TLB_LOAD
1:      li      a0, 0
        li      a1, 0
        li      a2, 0
        mv      a3, s1
        la      a4, exc_entry
        li      t0, CAUSE_SYSCALL
        beq     s1, t0, 2f              # syscall and timer are the kernel's, never forwarded
        li      t0, CAUSE_TIMER
        beq     s1, t0, 2f
        sys_env_set_handler
2:      addi    s1, s1, 1
        li      t0, CAUSE_REVOKE
        ble     s1, t0, 1b              # the hardware causes, and the kernel's revoke event
        lw      s1, 0(sp)
        leave   16
9:      la      a0, msg_nosave
        call    panic

# exc_entry: the handler PC of every cause. Runs with the busy word set until the frame is built;
# touches only guaranteed memory (bss) meanwhile, so it cannot fault.
        .globl  exc_entry
exc_entry:
        sw      k0, SAVE_EPC(k1)        # EPC: the kernel hands it over in k0 only
        la      k0, exc_depth
        lw      k0, 0(k0)
        sltiu   k0, k0, EXC_LEVELS
        beqz    k0, exc_too_deep
        la      k0, exc_depth
        lw      k0, 0(k0)
        slli    k0, k0, EXC_LEVEL_SHIFT
        sub     k0, k1, k0
        addi    k0, k0, -FR_SIZE        # k0 = this level's frame
        save_regs k0
        lw      t0, SAVE_EPC(k1)
        sw      t0, FR_EPC(k0)
        lw      t0, SAVE_CAUSE(k1)
        sw      t0, FR_CAUSE(k0)
        lw      t0, SAVE_BADVADDR(k1)
        sw      t0, FR_BADVA(k0)
        la      t0, exc_depth
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        la      t0, exc_count
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        mv      sp, k0
        mv      a0, k0
        mv      fp, zero
        sw      zero, SAVE_BUSY(k1)     # nested exceptions allowed from here
        call    exc_dispatch
        # Leave: busy again, pop the level, restore, return.
        la      t0, exc_save          # no upcall from here until jr k0
        sw      t0, SAVE_BUSY(t0)
        mv      k1, t0
        la      t0, exc_depth
        lw      t1, 0(t0)
        addi    t1, t1, -1
        sw      t1, 0(t0)
        slli    t1, t1, EXC_LEVEL_SHIFT
        sub     k1, k1, t1
        addi    k1, k1, -FR_SIZE        # k1 = the frame being left
        load_regs k1
        lw      k0, FR_EPC(k1)
        la      k1, exc_save
        sw      zero, SAVE_BUSY(k1)
        jr      k0

exc_too_deep:
        la      a0, msg_deep
        call    panic

# exc_dispatch(frame): virtual-memory faults go to the VM system; anything else to the handler
# the application registered with exc_set_handler, or to exc_fatal.
        .globl  exc_dispatch
exc_dispatch:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        lw      t0, FR_CAUSE(a0)
        li      t1, CAUSE_PROT_STORE
        bgt     t0, t1, 2f
        call    vm_fault                # causes 1..4: TLB misses and write protection
        j       3f
2:      li      t1, CAUSE_REVOKE
        bne     t0, t1, 5f
        call    vm_revoke               # the kernel asks for a page back
        j       3f
5:      slli    t1, t0, 2
        la      t2, exc_handlers
        add     t2, t2, t1
        lw      t2, 0(t2)
        beqz    t2, 4f
        jalr    ra, 0(t2)               # handler(frame)
        j       3f
4:      call    exc_fatal
3:      lw      s1, 0(sp)
        leave   16

# exc_set_handler(cause, fn): fn(frame) handles cause from now on (0: back to fatal). Returns
# the previous handler. For VM faults the application registers with vm_set_fault_handler.
        .globl  exc_set_handler
exc_set_handler:
        slli    t0, a0, 2
        la      t1, exc_handlers
        add     t1, t1, t0
        lw      t2, 0(t1)
        sw      a1, 0(t1)
        mv      a0, t2
        ret

# exc_fatal(frame): gives up on an exception nobody handles. Flushes console output, removes
# the handler for the cause and returns, so the instruction faults again and the kernel
# destroys the environment with its own diagnostic (cause, EPC with symbol and source line,
# BADVADDR) and exit status 128 + cause.
        .globl  exc_fatal
exc_fatal:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        call    cons_flush
        li      a0, 0
        li      a1, 0
        li      a2, 0
        lw      a3, FR_CAUSE(s1)
        li      a4, 0
        sys_env_set_handler
        lw      s1, 0(sp)
        leave   16

# cause_name(cause) -> a0 = its short name ("tlb-load", "divzero", ...), from cause_names.
        .globl  cause_name
cause_name:
        sltiu   t0, a0, CAUSE_REPOSSESS + 1
        bnez    t0, 1f
        li      a0, 0
1:      slli    a0, a0, 2
        la      t0, cause_names
        add     t0, t0, a0
        lw      a0, 0(t0)
        ret

        .rodata
        .align  4
        .include "../exo/causes.inc"   # cause_names, generated from the Cause enum
msg_deep:   .asciz "exceptions nested too deep"
msg_nosave: .asciz "cannot set the exception save area"

        .bss
        .align  16
        .globl  exc_depth, exc_count, exc_save
exc_stack:
        .space  EXC_LEVELS * EXC_LEVEL
exc_save:                               # must directly follow exc_stack: frames are below it
        .space  SAVE_SIZE + 4 * FAST_WORDS      # and vm_entry's registers right after it
exc_depth:
        .space  4
exc_count:                              # exceptions that took exc_entry so far
        .space  4
exc_handlers:
        .space  4 * (CAUSE_REPOSSESS + 1)
