/* test_sched_core's pools (forced in with -include): CPUs 0-1 round robin, CPUs 2-3 fair. */
#define CONFIG_SCHED_POOLS                                                        \
    {                                                                             \
        {"shared", 0x3ULL, SCHED_POLICY_RR}, {"fair", 0xcULL, SCHED_POLICY_FAIR}, \
    }
