# The options a user of this project sets on the `init-build.sh` command line, with their
# defaults. init-build.sh finds the project through a link to this file in the workspace.
#
#   ../init-build.sh -DPLATFORM=zynqmp -DSIMULATION=TRUE [-DMCS=ON] [-DSMP=ON] [-DARM_HYP=ON]
#                    [-DSEL4_RUST_APP=c-calls-rust]

set(PLATFORM "qemu-arm-virt" CACHE STRING "seL4 platform (qemu-arm-virt, zynqmp, ...)")
set(SIMULATION OFF CACHE BOOL "Build for QEMU and generate ./simulate")
set(RELEASE OFF CACHE BOOL "Release kernel (no printing, no debug syscalls)")
set(MCS OFF CACHE BOOL "Mixed-criticality (MCS) kernel")
set(SMP OFF CACHE BOOL "Multicore kernel (NUM_NODES cores; ./simulate starts as many)")
set(NUM_NODES "4" CACHE STRING "Cores of an SMP kernel (SMP=ON)")
set(ARM_HYP OFF CACHE BOOL "Arm: the kernel runs as hypervisor (EL2), with VCPU objects")
set(SEL4_RUST_APP "hello" CACHE STRING "Which apps/ example is the root server (empty: none)")
