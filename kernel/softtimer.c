/*
 * Software timers on the EL2 physical timer (see softtimer.h). Each CPU's
 * queue has a lock so that a timer armed on one CPU can be cancelled from
 * another (a vCPU's deadline follows the vCPU when it migrates); only the
 * owning CPU programs its hardware timer, so a remote cancel may leave it
 * armed early, and the expiry then finds nothing due and reprograms.
 *
 * Lock order: a timer's lock, then a queue's lock. Arm and cancel hold the
 * timer's lock throughout, so that two of them on different CPUs cannot both
 * find the timer unlinked and link it on two queues. The expiry takes only
 * its queue's lock, to unlink a due timer (clearing armed), and none while
 * the callback runs; t->running counts callbacks in progress for
 * softtimer_cancel_sync().
 */
#include "kernel/softtimer.h"

#include "config/kernel.h"
#include "kernel/check.h"
#include "kernel/spinlock.h"
#include "kernel/timer.h"

#ifdef SHRIKE_HOST_TEST
/* The host test (tests/unit/test_softtimer.c) supplies these: its threads play the CPUs. */
unsigned this_cpu_id(void);
uint64_t local_irq_save(void);
void local_irq_restore(uint64_t flags);
#else
#include "kernel/cpu.h"
#endif

struct timer_queue {
    spinlock_t lock;
    struct list_node list;
    struct soft_timer *own; /* the CPU's own timer (softtimer_own_init), beside the list */
};

static struct timer_queue queues[CONFIG_MAX_CPUS];

/* Sets the hardware timer for q's earliest deadline, its own timer's included (q's lock held). */
static void program(struct timer_queue *q)
{
    uint64_t d = UINT64_MAX;
    if (!list_empty(&q->list)) {
        d = list_entry(q->list.next, struct soft_timer, link)->deadline;
    }
    if (q->own != 0 && q->own->armed && q->own->deadline < d) {
        d = q->own->deadline;
    }
    if (d == UINT64_MAX) {
        timer_cancel();
    } else {
        timer_arm(d);
    }
}

/* Running before unarmed: whoever sees armed false also sees it running. */
static struct soft_timer *take(struct soft_timer *t)
{
    __atomic_add_fetch(&t->running, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&t->armed, false, __ATOMIC_RELEASE);
    return t;
}

/* Takes the first due timer off q, or q's own timer if due first (counted as running), or NULL. */
static struct soft_timer *pop_due(struct timer_queue *q, uint64_t now)
{
    struct soft_timer *t = 0;
    struct soft_timer *own = q->own;
    spin_lock(&q->lock);
    if (!list_empty(&q->list)) {
        t = list_entry(q->list.next, struct soft_timer, link);
        t = t->deadline <= now ? t : 0;
    }
    if (own != 0 && own->armed && own->deadline <= now &&
        (t == 0 || own->deadline <= t->deadline)) {
        t = take(own);
    } else if (t != 0) {
        list_del(&t->link);
        take(t);
    }
    spin_unlock(&q->lock);
    return t;
}

static void expire(uint64_t now)
{
    struct timer_queue *q = &queues[this_cpu_id()];
    struct soft_timer *t;
    while ((t = pop_due(q, now)) != 0) {
        t->fn(t, now);                                        /* may re-arm t or others */
        __atomic_sub_fetch(&t->running, 1, __ATOMIC_RELEASE); /* t is not touched after this */
        cpu_wake_waiters();
        now = timer_now();
    }
    spin_lock(&q->lock);
    program(q);
    spin_unlock(&q->lock);
}

void softtimer_cpu_init(void)
{
    list_init(&queues[this_cpu_id()].list);
    queues[this_cpu_id()].own = 0;
    timer_set_callback(expire);
}

/*
 * Removes t from the queue it is on, if any; t's lock held, IRQs masked.
 * Only arm (under t's lock) sets armed and cpu, so cpu is stable here; the
 * expiry may clear armed meanwhile, hence the second look under the queue lock.
 */
static void detach(struct soft_timer *t)
{
    if (!__atomic_load_n(&t->armed, __ATOMIC_ACQUIRE)) {
        return;
    }
    struct timer_queue *q = &queues[t->cpu];
    spin_lock(&q->lock);
    if (t->armed) {
        list_del(&t->link);
        __atomic_store_n(&t->armed, false, __ATOMIC_RELEASE);
    }
    spin_unlock(&q->lock);
}

void softtimer_arm(struct soft_timer *t, uint64_t deadline)
{
    uint64_t flags = local_irq_save();
    spin_lock(&t->lock);
    detach(t);
    unsigned cpu = this_cpu_id();
    struct timer_queue *q = &queues[cpu];
    spin_lock(&q->lock);
    t->deadline = deadline;
    t->cpu = cpu;
    struct list_node *pos;
    list_for_each (pos, &q->list) {
        if (list_entry(pos, struct soft_timer, link)->deadline > deadline) {
            break;
        }
    }
    list_insert_before(pos, &t->link);
    __atomic_store_n(&t->armed, true, __ATOMIC_RELEASE);
    program(q);
    spin_unlock(&q->lock);
    spin_unlock(&t->lock);
    local_irq_restore(flags);
}

void softtimer_cancel(struct soft_timer *t)
{
    /*
     * Not armed: nothing to do, and no lock (the scheduler cancels its slice
     * timer at every switch, and it is mostly not armed). Safe without t's
     * lock: a cancel that runs alongside an arm on another CPU may be ordered
     * before it (the arm then wins, as it would had it taken the lock
     * second), and armed reads false only when t is on no queue - before its
     * first arm, after an expiry unlinked it, or in an arm's moment between
     * unlinking and relinking it, which is that concurrent arm again. An arm
     * that happened before this call (the same CPU, or another one ordered by
     * a lock or a release) set armed with release, which this acquire sees.
     * As before, the callback may still be running elsewhere; cancel_sync
     * waits for it (the expiry counts it running before it clears armed).
     */
    if (!__atomic_load_n(&t->armed, __ATOMIC_ACQUIRE)) {
        return;
    }
    uint64_t flags = local_irq_save();
    spin_lock(&t->lock);
    detach(t);
    spin_unlock(&t->lock);
    local_irq_restore(flags);
}

void softtimer_own_init(struct soft_timer *t)
{
    struct timer_queue *q = &queues[this_cpu_id()];
    CHECK(q->own == 0 && !t->armed); /* one own timer per CPU, from softtimer_cpu_init() on */
    t->cpu = this_cpu_id();
    q->own = t;
}

void softtimer_own_arm(struct soft_timer *t, uint64_t deadline)
{
    /*
     * The queue's lock, to read its head for the hardware timer: it is
     * programmed exactly as when t was on the queue (QEMU's round-robin
     * turns follow the timers' deadlines, and the scheduler's switch-rate
     * specs were measured with those).
     */
    struct timer_queue *q = &queues[t->cpu];
    spin_lock(&q->lock);
    t->deadline = deadline;
    __atomic_store_n(&t->armed, true, __ATOMIC_RELEASE);
    program(q);
    spin_unlock(&q->lock);
}

void softtimer_own_cancel(struct soft_timer *t)
{
    /* The expiry, the only other writer of armed, runs on this CPU, whose IRQs are masked. */
    __atomic_store_n(&t->armed, false, __ATOMIC_RELEASE);
}

void softtimer_cancel_sync(struct soft_timer *t)
{
    for (;;) {
        softtimer_cancel(t);
        while (__atomic_load_n(&t->running, __ATOMIC_ACQUIRE) != 0) {
            cpu_relax_wait(); /* the expiry signals after each callback */
        }
        /* A callback that ran meanwhile may have armed t again (before it stopped running). */
        if (!__atomic_load_n(&t->armed, __ATOMIC_ACQUIRE)) {
            return;
        }
    }
}

#ifdef SHRIKE_HOST_TEST
int softtimer_host_links(unsigned cpu, const struct soft_timer *t)
{
    const struct list_node *head = &queues[cpu].list;
    const struct list_node *n = head;
    int links = 0;
    for (unsigned steps = 0; steps < 4096; steps++) {
        if (n->next->prev != n) {
            return -1;
        }
        n = n->next;
        if (n == head) {
            return links;
        }
        links += n == &t->link ? 1 : 0;
    }
    return -1;
}
#endif
