# threads: four preemptive threads increment one counter under a mutex. Nobody yields: the
# library OS's scheduler switches threads from the kernel's time-slice upcalls. Each critical
# section reads the counter, works a little, and writes it back, so a lost update would show.
# The main thread waits on a condition variable until every worker is done, then joins them.
# Usage: threads [iterations per thread]
# args: 500
# expect: all 4 workers done
# expect: counter=2000 (expected 2000)
# expect: results joined: 100
# expect: preempted: yes
        .extern printf, thread_create, thread_join, mutex_lock, mutex_unlock, cond_wait, cond_signal
        .extern preemptions, arg_int
.equ WORKERS, 4
        .text
        .globl  main
main:
        addi    sp, sp, -48
        sw      ra, 44(sp)
        sw      fp, 40(sp)
        addi    fp, sp, 48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        li      a2, 1
        li      a3, 2000
        call    arg_int
        la      t0, iterations
        sw      a0, 0(t0)
        li      s1, 0
1:      la      a0, worker              # start the workers
        addi    a1, s1, 1
        call    thread_create
        slli    t0, s1, 2
        addi    t1, sp, 16
        add     t1, t1, t0
        sw      a0, 0(t1)
        addi    s1, s1, 1
        li      t0, WORKERS
        bne     s1, t0, 1b
        la      a0, lock                # wait until every worker says it is done
        call    mutex_lock
2:      la      t0, done
        lw      t0, 0(t0)
        li      t1, WORKERS
        beq     t0, t1, 3f
        la      a0, all_done
        la      a1, lock
        call    cond_wait
        j       2b
3:      la      a0, lock
        call    mutex_unlock
        la      a0, m_done
        li      a1, WORKERS
        call    printf
        li      s1, 0                   # join them, adding up their results
        li      s2, 0
4:      slli    t0, s1, 2
        addi    t1, sp, 16
        add     t1, t1, t0
        lw      a0, 0(t1)
        call    thread_join
        add     s2, s2, a0
        addi    s1, s1, 1
        li      t0, WORKERS
        bne     s1, t0, 4b
        la      t0, counter
        lw      a1, 0(t0)
        la      t0, iterations
        lw      a2, 0(t0)
        li      t1, WORKERS
        mul     a2, a2, t1
        la      a0, m_counter
        call    printf
        la      a0, m_results
        mv      a1, s2
        call    printf
        la      t0, preemptions
        lw      t0, 0(t0)
        la      a1, yes
        bnez    t0, 5f
        la      a1, no
5:      la      a0, m_preempted
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      ra, 44(sp)
        lw      fp, 40(sp)
        addi    sp, sp, 48
        ret

# worker(n) -> n * 10: the counting loop, then tells main it is done.
worker:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      fp, 8(sp)
        addi    fp, sp, 16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s2, a0
        la      t0, iterations
        lw      s1, 0(t0)
1:      la      a0, lock
        call    mutex_lock
        la      t0, counter
        lw      t1, 0(t0)
        li      t2, 40                  # work inside the critical section
2:      addi    t2, t2, -1
        bnez    t2, 2b
        addi    t1, t1, 1
        sw      t1, 0(t0)
        la      a0, lock
        call    mutex_unlock
        addi    s1, s1, -1
        bnez    s1, 1b
        la      a0, lock
        call    mutex_lock
        la      t0, done
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        la      a0, all_done
        call    cond_signal
        la      a0, lock
        call    mutex_unlock
        li      t0, 10
        mul     a0, s2, t0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
        ret

        .rodata
m_done:      .asciz "all %d workers done\n"
m_counter:   .asciz "counter=%d (expected %d)\n"
m_results:   .asciz "results joined: %d\n"
m_preempted: .asciz "preempted: %s\n"
yes:         .asciz "yes"
no:          .asciz "no"

        .bss
        .align  4
lock:       .space 4
all_done:   .space 4
counter:    .space 4
done:       .space 4
iterations: .space 4
