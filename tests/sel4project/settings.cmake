# settings.cmake for a small seL4 project used by this project's tests and benchmarks: a
# cut-down sel4test settings.cmake for one root server (sel4build.project_workspace copies it).
cmake_minimum_required(VERSION 3.16.0)

set(project_dir "${CMAKE_CURRENT_LIST_DIR}/../..")
file(GLOB project_modules ${project_dir}/projects/*)
# The library checkouts are symbolic links into a shared workspace. Resolve them: musllibc's
# build copies its source directory (cp -a, which copies a link as a link) and then deletes
# and replaces files inside the copy, which would edit the shared checkout through the link.
set(real_modules "")
foreach(module IN LISTS project_modules)
  get_filename_component(module "${module}" REALPATH)
  list(APPEND real_modules "${module}")
endforeach()
list(APPEND CMAKE_MODULE_PATH ${project_dir}/kernel ${project_dir}/tools/seL4/cmake-tool/helpers/
     ${project_dir}/tools/seL4/elfloader-tool/ ${real_modules})

set(SEL4_CONFIG_DEFAULT_ADVANCED ON)
include(application_settings)
include(${CMAKE_CURRENT_LIST_DIR}/easy-settings.cmake)
correct_platform_strings()

find_package(seL4 REQUIRED)
sel4_configure_platform_settings()

set(valid_platforms ${KernelPlatform_all_strings} ${correct_platform_strings_platform_aliases})
set_property(CACHE PLATFORM PROPERTY STRINGS ${valid_platforms})
if(NOT "${PLATFORM}" IN_LIST valid_platforms)
  message(FATAL_ERROR "Invalid PLATFORM selected: \"${PLATFORM}\"")
endif()

# As sel4test does: the thread pointer in the user-writable TPIDR_EL0.
if(KernelSel4ArchAarch64)
  set(KernelArmTLSReg tpidru CACHE STRING "" FORCE)
endif()
if(SIMULATION)
  ApplyCommonSimulationSettings(${KernelSel4Arch})
endif()
ApplyCommonReleaseVerificationSettings(${RELEASE} FALSE)

# seL4's settings force CMAKE_BUILD_TYPE to Debug unless RELEASE (which also turns printing
# off); the benchmarks build the C reference at other optimisation levels with this.
if(SEL4_PROJECT_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE "${SEL4_PROJECT_BUILD_TYPE}" CACHE STRING "" FORCE)
endif()
# As this project's own settings.cmake, so that compared root servers run on the same kernel.
set(KernelRootCNodeSizeBits 13 CACHE STRING "" FORCE)
