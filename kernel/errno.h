/* Error codes returned (negated) by hypervisor functions. */
#ifndef SHRIKE_KERNEL_ERRNO_H
#define SHRIKE_KERNEL_ERRNO_H

#define EPERM  1
#define ENOENT 2
#define EIO    5
#define ENOMEM 12
#define EBUSY  16
#define EEXIST 17
#define EINVAL 22
#define ERANGE 34
#define ENOSPC 28

#endif
