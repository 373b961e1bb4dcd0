/* Software timers on the EL2 physical timer (see softtimer.h). */
#include "kernel/softtimer.h"

#include "kernel/cpu.h"
#include "kernel/timer.h"

static struct list_node queues[CONFIG_MAX_CPUS];

static void program(struct list_node *q)
{
    if (list_empty(q)) {
        timer_cancel();
    } else {
        timer_arm(list_entry(q->next, struct soft_timer, link)->deadline);
    }
}

static void expire(uint64_t now)
{
    struct list_node *q = &queues[this_cpu_id()];
    while (!list_empty(q)) {
        struct soft_timer *t = list_entry(q->next, struct soft_timer, link);
        if (t->deadline > now) {
            break;
        }
        list_del(&t->link);
        t->armed = false;
        t->fn(t, now); /* may re-arm t or others */
        now = timer_now();
    }
    program(q);
}

void softtimer_cpu_init(void)
{
    list_init(&queues[this_cpu_id()]);
    timer_set_callback(expire);
}

static void insert_sorted(struct list_node *q, struct soft_timer *t)
{
    struct list_node *pos;
    list_for_each (pos, q) {
        if (list_entry(pos, struct soft_timer, link)->deadline > t->deadline) {
            break;
        }
    }
    list_insert_before(pos, &t->link);
}

void softtimer_arm(struct soft_timer *t, uint64_t deadline)
{
    uint64_t flags = local_irq_save();
    struct list_node *q = &queues[this_cpu_id()];
    if (t->armed) {
        list_del(&t->link);
    }
    t->deadline = deadline;
    t->armed = true;
    insert_sorted(q, t);
    program(q);
    local_irq_restore(flags);
}

void softtimer_cancel(struct soft_timer *t)
{
    uint64_t flags = local_irq_save();
    if (t->armed) {
        list_del(&t->link);
        t->armed = false;
        program(&queues[this_cpu_id()]);
    }
    local_irq_restore(flags);
}
