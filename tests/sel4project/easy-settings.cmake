# Options of the small test and benchmark projects (see settings.cmake beside this file).
set(PLATFORM "qemu-arm-virt" CACHE STRING "Platform")
set(SIMULATION OFF CACHE BOOL "Simulation build")
set(RELEASE OFF CACHE BOOL "Performance optimized build")
set(KernelSel4Arch "" CACHE STRING "aarch32, aarch64, arm_hyp, ia32, x86_64, riscv32, riscv64")
