//! Which x86-64 level this CPU runs and which one this library was built for.
//!
//! The jar carries the library built for plain x86-64 and, beside it, builds for x86-64-v3 (AVX2, BMI2, FMA, MOVBE)
//! and x86-64-v4 (AVX-512). The Java loader opens the plain build first, asks it `fa_cpu_level`, and then opens the
//! highest build the CPU runs — the JIT compiles the Java twin for the CPU it runs on, and so the native kernel is too.
//! A build for a level the CPU lacks would die of an illegal instruction, so only the plain build is ever asked.

/// 1 for plain x86-64 (or any other architecture), 3 for x86-64-v3, 4 for x86-64-v4: the highest level whose every
/// feature this CPU has and the operating system enables.
#[no_mangle]
pub extern "C" fn fa_cpu_level() -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as has;
        let v2 = has!("sse3") && has!("ssse3") && has!("sse4.1") && has!("sse4.2") && has!("popcnt")
            && has!("cmpxchg16b");
        let v3 = v2 && has!("avx") && has!("avx2") && has!("bmi1") && has!("bmi2") && has!("f16c") && has!("fma")
            && has!("lzcnt") && has!("movbe") && has!("xsave");
        let v4 = v3 && has!("avx512f") && has!("avx512bw") && has!("avx512cd") && has!("avx512dq")
            && has!("avx512vl");
        if v4 {
            4
        } else if v3 {
            3
        } else {
            1
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        1
    }
}

/// The level this library was compiled for (1, 3 or 4), so the loader can check it opened the build it meant to.
#[no_mangle]
pub extern "C" fn fa_build_level() -> u32 {
    if cfg!(all(target_arch = "x86_64", target_feature = "avx512bw", target_feature = "avx512dq")) {
        4
    } else if cfg!(all(target_arch = "x86_64", target_feature = "avx2", target_feature = "bmi2")) {
        3
    } else {
        1
    }
}
