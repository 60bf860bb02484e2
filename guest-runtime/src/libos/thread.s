# thread.s: preemptive user-level threads, scheduled from the time-slice upcalls.
#
# The kernel upcalls the epilogue when a slice ends (it only counts the slice and yields) and
# the prologue when the environment's next slice begins, with k0 = where it was interrupted and
# every other register as it was. The prologue saves the running thread's registers in its TCB
# and, unless the scheduler is locked (sched_lock: a thread is inside the thread library) or an
# exception handler is active (exc_depth), resumes the next ready thread round robin.
#
# A context switch restores r1..r29 from a TCB and jumps with `jr k0`; while it does, the
# save area's busy word is set, so no upcall can clobber k0/k1 half way. Voluntary switches
# (yield, blocking) save only what the calling convention says survives a call.
#
# Mutexes and condition variables are one word each, identified by address; a blocked thread
# records the address it waits on in its TCB. Uniprocessor: sched_lock is the only atomicity.
        .include "libos.inc"
        .extern exc_depth, exc_save, panic, vm_alloc, vm_unmap

        .text
# thread_tcb(id) -> a0 = its TCB.
thread_tcb:
        li      t0, TCB_SIZE
        mul     a0, a0, t0
        la      t0, threads
        add     a0, a0, t0
        ret

# threads_start(): the calling code becomes thread 0; installs the upcalls.
threads_start:
        enter   16
        la      t0, threads
        swg     t0, cur_thread, t1
        li      t1, T_READY
        sw      t1, TCB_STATE(t0)
        li      a0, 0
        li      a1, 0
        li      a2, 0
        li      a3, PC_PROLOGUE
        la      a4, thread_prologue
        sys_env_set_pc
        li      a0, 0
        li      a1, 0
        li      a2, 0
        li      a3, PC_EPILOGUE
        la      a4, thread_epilogue
        sys_env_set_pc
        leave   16

# thread_create(fn, arg) -> a0 = thread id, or -1 if all MAX_THREADS are in use.
# The thread runs fn(arg) on its own stack; returning from fn is thread_exit(result).
        .globl  thread_create
thread_create:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        mv      s1, a0
        mv      s2, a1
        lwg     t0, cur_thread
        bnez    t0, 1f
        call    threads_start
1:      li      s3, 1
2:      li      t0, MAX_THREADS
        beq     s3, t0, 8f
        mv      a0, s3
        call    thread_tcb
        lw      t0, TCB_STATE(a0)
        beqz    t0, 3f
        addi    s3, s3, 1
        j       2b
3:      mv      a1, a0                  # clear the TCB
        li      t0, 0
4:      add     t1, a1, t0
        sw      zero, 0(t1)
        addi    t0, t0, 4
        li      t1, TCB_SIZE
        bne     t0, t1, 4b
        sw      a1, 12(sp)
        li      a0, THREAD_STACK_PAGES
        call    vm_alloc
        lw      a1, 12(sp)
        sw      a0, TCB_STACK(a1)
        li      t0, THREAD_STACK_PAGES * PAGE_SIZE
        add     t0, a0, t0
        sw      t0, 8(a1)               # sp
        sw      s1, TCB_PC(a1)
        sw      s2, 16(a1)              # a0 = arg
        la      t0, thread_return
        sw      t0, 4(a1)               # ra: returning from fn exits the thread
        li      t0, T_READY
        sw      t0, TCB_STATE(a1)       # last: the prologue may pick it from now on
        mv      a0, s3
        j       9f
8:      li      a0, -1
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

thread_return:
        j       thread_exit

# thread_self() -> a0 = the running thread's id (0 before any thread_create).
        .globl  thread_self
thread_self:
        lwg     t0, cur_thread
        beqz    t0, 1f
        la      t1, threads
        sub     t0, t0, t1
        li      t1, TCB_SIZE
        divu    a0, t0, t1
        ret
1:      li      a0, 0
        ret

# thread_yield(): lets the next ready thread run.
        .globl  thread_yield
thread_yield:
        enter   16
        lwg     t0, cur_thread
        beqz    t0, 1f
        li      t0, 1
        swg     t0, sched_lock, t1
        call    sched_switch
        swg     zero, sched_lock, t1
1:      leave   16

# thread_exit(result): ends the running thread, waking threads joining it. Thread 0 ending
# with others still running exits the program only when it returns from main.
        .globl  thread_exit
thread_exit:
        li      t0, 1
        swg     t0, sched_lock, t1
        lwg     t0, cur_thread
        sw      a0, TCB_RESULT(t0)
        li      t1, T_DONE
        sw      t1, TCB_STATE(t0)
        mv      a0, t0
        call    wake_all
        call    sched_switch            # never returns: this thread is not ready any more

# thread_join(id) -> a0 = the thread's result, once it has ended; frees its slot and stack.
        .globl  thread_join
thread_join:
        enter   16
        sw      s1, 0(sp)
        call    thread_tcb
        mv      s1, a0
1:      li      t0, 1
        swg     t0, sched_lock, t1
        lw      t0, TCB_STATE(s1)
        li      t1, T_DONE
        beq     t0, t1, 2f
        mv      a0, s1
        call    block_on
        j       1b
2:      sw      zero, TCB_STATE(s1)
        swg     zero, sched_lock, t1
        lw      a0, TCB_STACK(s1)
        li      a1, THREAD_STACK_PAGES
        call    vm_unmap
        lw      a0, TCB_RESULT(s1)
        lw      s1, 0(sp)
        leave   16

# block_on(address): (sched_lock held) the running thread waits on address; returns when woken,
# with sched_lock clear.
block_on:
        enter   16
        lwg     t0, cur_thread
        sw      a0, TCB_WAIT(t0)
        li      t1, T_BLOCKED
        sw      t1, TCB_STATE(t0)
        call    sched_switch
        leave   16

# wake_one(address) -> a0 = the TCB woken (the first blocked on address after the running
# thread, round robin), or 0. wake_all(address) wakes every one. Both need sched_lock held.
wake_one:
        li      t3, 1
        j       wake
wake_all:
        li      t3, MAX_THREADS
wake:
        lwg     t0, cur_thread
        la      t4, threads
        sub     t0, t0, t4
        li      t1, TCB_SIZE
        divu    t0, t0, t1              # t0 = running index
        li      t5, 0                   # scanned
        li      t6, 0                   # the first woken
1:      li      t1, MAX_THREADS
        beq     t5, t1, 3f
        addi    t5, t5, 1
        add     t2, t0, t5
        li      t1, MAX_THREADS
        remu    t2, t2, t1
        li      t1, TCB_SIZE
        mul     t2, t2, t1
        add     t2, t4, t2
        lw      t1, TCB_STATE(t2)
        li      t7, T_BLOCKED
        bne     t1, t7, 1b
        lw      t1, TCB_WAIT(t2)
        bne     t1, a0, 1b
        li      t1, T_READY
        sw      t1, TCB_STATE(t2)
        sw      zero, TCB_WAIT(t2)
        bnez    t6, 2f
        mv      t6, t2
2:      addi    t3, t3, -1
        bnez    t3, 1b
3:      mv      a0, t6
        ret

# mutex_lock(m) / mutex_unlock(m): m is one word, 0 when free, else the owner's TCB. Unlock
# hands the mutex straight to the first waiter, so a woken thread already owns it.
        .globl  mutex_lock, mutex_unlock
mutex_lock:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        li      t0, 1
        swg     t0, sched_lock, t1
        lw      t0, 0(s1)
        bnez    t0, 1f
        lwg     t0, cur_thread
        sw      t0, 0(s1)
        swg     zero, sched_lock, t1
        j       2f
1:      call    block_on                # woken as the owner
        swg     zero, sched_lock, t1
2:      lw      s1, 0(sp)
        leave   16
mutex_unlock:
        enter   16
        li      t0, 1
        swg     t0, sched_lock, t1
        call    mutex_release
        swg     zero, sched_lock, t1
        leave   16
mutex_release:                          # (sched_lock held)
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        call    wake_one
        sw      a0, 0(s1)               # the new owner, or 0
        lw      s1, 0(sp)
        leave   16

# cond_wait(c, m): releases m, waits for a signal on c, reacquires m.
# cond_signal(c) wakes one waiter, cond_broadcast(c) all of them.
        .globl  cond_wait, cond_signal, cond_broadcast
cond_wait:
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a0
        mv      s2, a1
        li      t0, 1
        swg     t0, sched_lock, t1
        mv      a0, s2
        call    mutex_release
        mv      a0, s1
        call    block_on
        mv      a0, s2
        call    mutex_lock
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16
cond_signal:
        enter   16
        li      t0, 1
        swg     t0, sched_lock, t1
        call    wake_one
        swg     zero, sched_lock, t1
        leave   16
cond_broadcast:
        enter   16
        li      t0, 1
        swg     t0, sched_lock, t1
        call    wake_all
        swg     zero, sched_lock, t1
        leave   16

# sched_switch(): (sched_lock held) saves the running thread as a call that returns to ra and
# resumes the next ready thread (possibly itself, if still ready). sched_lock stays held until
# the busy word is set: a prologue arriving before that resumes this very code.
sched_switch:
        lwg     t0, cur_thread
        sw      ra, 4(t0)
        sw      sp, 8(t0)
        sw      gp, 12(t0)
        sw      s0, 88(t0)
        sw      s1, 92(t0)
        sw      s2, 96(t0)
        sw      s3, 100(t0)
        sw      s4, 104(t0)
        sw      s5, 108(t0)
        sw      s6, 112(t0)
        sw      s7, 116(t0)
        sw      ra, TCB_PC(t0)
        call    pick_next
        la      t0, exc_save
        sw      t0, SAVE_BUSY(t0)       # no upcall until jr k0
        swg     zero, sched_lock, t1
        j       ctx_restore

# pick_next() -> a0 = the next ready TCB after the running one (itself last). Panics if none:
# every thread is blocked.
pick_next:
        lwg     t0, cur_thread
        la      t4, threads
        sub     t0, t0, t4
        li      t1, TCB_SIZE
        divu    t0, t0, t1
        li      t5, 0
1:      li      t1, MAX_THREADS
        beq     t5, t1, 9f
        addi    t5, t5, 1
        add     t2, t0, t5
        remu    t2, t2, t1
        li      t1, TCB_SIZE
        mul     t2, t2, t1
        add     t2, t4, t2
        lw      t1, TCB_STATE(t2)
        li      t3, T_READY
        bne     t1, t3, 1b
        mv      a0, t2
        ret
9:      la      a0, msg_deadlock
        j       panic

# ctx_restore(tcb): (busy word set) makes tcb the running thread and resumes it; clears the
# busy word on the way out. Does not return.
ctx_restore:
        lwg     t0, cur_thread
        beq     t0, a0, 1f
        lwg     t1, thread_switches
        addi    t1, t1, 1
        swg     t1, thread_switches, t2
1:      swg     a0, cur_thread, t1
        mv      k1, a0
        load_regs k1
        lw      k0, TCB_PC(k1)
        la      k1, exc_save
        sw      zero, SAVE_BUSY(k1)
        jr      k0

# thread_prologue: the kernel's upcall at the start of each slice (k0 = interrupted PC).
thread_prologue:
        la      k1, exc_save
        sw      k1, SAVE_BUSY(k1)       # no upcall from here on
        la      k1, sched_lock
        lw      k1, 0(k1)
        bnez    k1, 1f                  # inside the thread library: resume it untouched
        la      k1, exc_depth
        lw      k1, 0(k1)
        bnez    k1, 1f                  # inside an exception handler: likewise
        la      k1, cur_thread
        lw      k1, 0(k1)
        sw      k0, TCB_PC(k1)
        save_regs k1
        lwg     t0, preemptions
        addi    t0, t0, 1
        swg     t0, preemptions, t1
        call    pick_next
        j       ctx_restore
1:      la      k1, exc_save
        sw      zero, SAVE_BUSY(k1)
        jr      k0

# thread_epilogue: the kernel's upcall at the end of each slice. Its registers are discarded
# (the kernel saved the interrupted ones); it counts the slice and gives the CPU back.
thread_epilogue:
        lwg     t0, slices
        addi    t0, t0, 1
        swg     t0, slices, t1
        li      a0, 0
        sys_yield

        .rodata
msg_deadlock: .asciz "deadlock: every thread is blocked"

        .bss
        .align  4
        .globl  thread_switches, preemptions, slices
cur_thread:      .space 4
sched_lock:      .space 4
thread_switches: .space 4               # resumptions of a thread other than the one stopped
preemptions:     .space 4               # prologues that ran the scheduler
slices:          .space 4               # epilogues seen
threads:         .space MAX_THREADS * TCB_SIZE
