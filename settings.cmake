# Kernel configuration for this project's own builds (init-build.sh passes it with -C).
#
# The workspace layout is the one manifest/default.xml creates: kernel/, tools/seL4/,
# projects/<libraries>, and this project at projects/<name>. The workspace root is
# found from this file (projects/<name>/../..) or, when the project is reached through a
# symbolic link (as scripts/setup-workspace makes it), from the build directory upwards.

cmake_minimum_required(VERSION 3.16.0)

function(sel4_rust_find_workspace out)
    get_filename_component(candidate "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
    if(DEFINED SEL4_WORKSPACE)
        set(candidate "${SEL4_WORKSPACE}")
    elseif(NOT EXISTS "${candidate}/kernel/CMakeLists.txt")
        set(dir "${CMAKE_BINARY_DIR}")
        while(NOT EXISTS "${dir}/kernel/CMakeLists.txt")
            get_filename_component(parent "${dir}" DIRECTORY)
            if("${parent}" STREQUAL "${dir}")
                message(
                    FATAL_ERROR
                        "Cannot find the seL4 workspace (a directory with kernel/ and tools/seL4/): "
                        "neither ${CMAKE_CURRENT_LIST_DIR}/../.. nor a parent of the build directory "
                        "${CMAKE_BINARY_DIR} is one. Build in a directory inside the workspace, or pass "
                        "-DSEL4_WORKSPACE=/path/to/workspace."
                )
            endif()
            set(dir "${parent}")
        endwhile()
        set(candidate "${dir}")
    endif()
    if(NOT EXISTS "${candidate}/tools/seL4/cmake-tool/helpers")
        message(FATAL_ERROR "${candidate} has no tools/seL4/cmake-tool: run scripts/setup-workspace")
    endif()
    set(${out} "${candidate}" PARENT_SCOPE)
endfunction()

sel4_rust_find_workspace(workspace)
set(SEL4_WORKSPACE "${workspace}" CACHE PATH "The seL4 workspace (kernel/, tools/seL4/, projects/)")
file(GLOB project_modules "${workspace}/projects/*")
list(
    APPEND
        CMAKE_MODULE_PATH
        "${workspace}/kernel"
        "${workspace}/tools/seL4/cmake-tool/helpers/"
        "${workspace}/tools/seL4/elfloader-tool/"
        ${project_modules}
)

include(application_settings)
# libsel4 in Rust for C code (the option is declared in cmake/sel4_rust.cmake): libsel4's
# functions become weak symbols.
if(SEL4_RUST_LIBSEL4)
    set(LibSel4FunctionAttributes public CACHE STRING "" FORCE)
elseif(LibSel4FunctionAttributes STREQUAL "public")
    # Turned off again in this build directory: back to libsel4's default.
    set(LibSel4FunctionAttributes inline CACHE STRING "" FORCE)
endif()
include("${CMAKE_CURRENT_LIST_DIR}/easy-settings.cmake")
correct_platform_strings()
find_package(seL4 REQUIRED)
sel4_configure_platform_settings()

set(valid_platforms ${KernelPlatform_all_strings} ${correct_platform_strings_platform_aliases})
set_property(CACHE PLATFORM PROPERTY STRINGS ${valid_platforms})
if(NOT "${PLATFORM}" IN_LIST valid_platforms)
    message(FATAL_ERROR "Invalid PLATFORM \"${PLATFORM}\". Valid platforms: ${valid_platforms}")
endif()

# The Rust ABI of thread-local storage (local-exec, thread pointer in TPIDR_EL0) is the one
# libsel4 and sel4runtime use for the root server.
if(KernelSel4ArchAarch64)
    set(KernelArmTLSReg tpidru CACHE STRING "" FORCE)
endif()
# 32-bit Arm: musllibc reads the thread pointer from the user read-only register TPIDRURO and
# refuses the kernel's default, tpidru (sel4-runtime works with either).
if(KernelSel4ArchAarch32 OR KernelSel4ArchArmHyp)
    set(KernelArmTLSReg tpidruro CACHE STRING "" FORCE)
endif()
# RISC-V images boot through OpenSBI, which the workspace holds at tools/opensbi (the elfloader
# would look for it inside this project).
if(KernelArchRiscV)
    set(OPENSBI_PATH "${workspace}/tools/opensbi" CACHE STRING "OpenSBI source folder" FORCE)
endif()
if(SIMULATION)
    ApplyCommonSimulationSettings(${KernelSel4Arch})
endif()
ApplyCommonReleaseVerificationSettings(${RELEASE} OFF)
set(KernelIsMCS ${MCS} CACHE BOOL "" FORCE)
if(SMP)
    if(NOT NUM_NODES MATCHES "^[1-9][0-9]*$")
        message(FATAL_ERROR "NUM_NODES='${NUM_NODES}': give the number of cores of the SMP kernel, e.g. -DNUM_NODES=4")
    endif()
    set(KernelMaxNumNodes ${NUM_NODES} CACHE STRING "" FORCE)
else()
    set(KernelMaxNumNodes 1 CACHE STRING "" FORCE)
endif()
# The elfloader starts secondary cores through PSCI calls over SMC, which QEMU's virt machine
# answers only with virtualization on: seL4's build asks for that (in the device tree and in
# ./simulate) exactly when the kernel is a hypervisor.
if(SMP AND KernelPlatformQEMUArmVirt AND NOT ARM_HYP)
    message(STATUS "SMP on qemu-arm-virt: ARM_HYP turned on (the elfloader starts cores by PSCI over SMC, "
                   "which QEMU's virt machine answers only with virtualization on)")
    set(ARM_HYP ON CACHE BOOL "" FORCE)
endif()
if(ARM_HYP)
    if(NOT KernelArchARM)
        message(FATAL_ERROR "ARM_HYP=ON needs an Arm platform; PLATFORM=${PLATFORM} is ${KernelArch}")
    endif()
    set(KernelArmHypervisorSupport ON CACHE BOOL "" FORCE)
else()
    set(KernelArmHypervisorSupport OFF CACHE BOOL "" FORCE)
endif()
set(KernelRootCNodeSizeBits 13 CACHE STRING "" FORCE)
