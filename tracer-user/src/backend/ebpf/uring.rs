//! Where the io_uring programs attach and read what a line shows. Raw tracepoint
//! programs where BTF gives the tracepoints' prototypes (their links detach at once);
//! otherwise the tracepoint twins, which read their records' fields at offsets from
//! tracefs (each perf-event link takes a grace period to detach: ~70 ms on a 6.18
//! kernel, at every exit of a default trace).

use aya::programs::Program;
use tracer_common::{
    URING_COMPLETE_ARGS, URING_COMPLETE_CQE, URING_COMPLETE_OLD, URING_SUBMIT_ARGS,
    URING_SUBMIT_REQ, UringFields,
};

use super::{
    btf::{Offsets, Param, UringBtf},
    loader::{LoadError, field_layout, load_program, uring_submit_event},
};
use crate::config::Config;

/// The raw submission program for `params`, when its arguments open the prototype:
/// by name where BTF names them, else by the known prototypes' sizes.
fn submit_hook(params: &[Param]) -> Option<u8> {
    let hooks: [(u8, &[(&str, u32)]); 2] = [
        (URING_SUBMIT_REQ, &[("req", 8)]),
        (
            URING_SUBMIT_ARGS,
            &[
                ("ctx", 8),
                ("req", 8),
                ("opcode", 1),
                ("user_data", 8),
                ("flags", 4),
                ("force_nonblock", 1),
                ("sq_thread", 1),
            ],
        ),
    ];
    // Without names: the arities of the known prototypes.
    let arities: [(u8, &[usize]); 2] = [(URING_SUBMIT_REQ, &[1, 2]), (URING_SUBMIT_ARGS, &[7])];
    choose(params, &hooks, &arities)
}

/// The raw completion program for `params` (see [`submit_hook`]).
fn complete_hook(params: &[Param]) -> Option<u8> {
    let hooks: [(u8, &[(&str, u32)]); 3] = [
        (URING_COMPLETE_CQE, &[("ctx", 8), ("req", 8), ("cqe", 8)]),
        (
            URING_COMPLETE_ARGS,
            &[
                ("ctx", 8),
                ("req", 8),
                ("user_data", 8),
                ("res", 0),
                ("cflags", 4),
            ],
        ),
        (
            URING_COMPLETE_OLD,
            &[("ctx", 8), ("user_data", 8), ("res", 0), ("cflags", 4)],
        ),
    ];
    let arities: [(u8, &[usize]); 3] = [
        (URING_COMPLETE_CQE, &[3]),
        (URING_COMPLETE_ARGS, &[5, 7]),
        (URING_COMPLETE_OLD, &[4]),
    ];
    choose(params, &hooks, &arities)
}

/// The first hook whose arguments (name, size; size 0: `int` or `long`) open `params`.
fn choose(
    params: &[Param],
    hooks: &[(u8, &[(&str, u32)])],
    arities: &[(u8, &[usize])],
) -> Option<u8> {
    let named = params.iter().all(|p| p.name.is_some());
    hooks.iter().find_map(|&(hook, args)| {
        let fits = args.len() <= params.len()
            && (named
                || arities
                    .iter()
                    .any(|(h, n)| *h == hook && n.contains(&params.len())))
            && args.iter().zip(params).all(|(&(name, size), p)| {
                (!named || p.name.as_deref() == Some(name))
                    && match size {
                        0 => matches!(p.size, Some(4 | 8)),
                        size => p.size == Some(size),
                    }
            });
        fits.then_some(hook)
    })
}

/// The raw programs' settings, or why they cannot be used here.
fn raw_fields(btf: &UringBtf) -> Result<UringFields, String> {
    let (_, submit) = btf
        .submit
        .as_ref()
        .ok_or("no submission tracepoint in BTF")?;
    let complete = btf.complete.as_ref().ok_or("no io_uring_complete in BTF")?;
    let submit_hook = submit_hook(submit).ok_or_else(|| format!("submission: {submit:?}"))?;
    let complete_hook =
        complete_hook(complete).ok_or_else(|| format!("completion: {complete:?}"))?;
    let short = |o: u32| u16::try_from(o).map_err(|_| format!("offset {o}"));
    // `res` is an `int` or (5.10 upstream) a `long`, in the arguments' list at its place.
    let res = if complete_hook == URING_COMPLETE_OLD {
        2
    } else {
        3
    };
    let mut fields = UringFields {
        submit_hook,
        complete_hook,
        by_user_data: u16::from(complete_hook == URING_COMPLETE_OLD),
        complete_res_size: complete.get(res).and_then(|p| p.size).unwrap_or(4) as u16,
        ..UringFields::NONE
    };
    if submit_hook == URING_SUBMIT_REQ {
        let [ctx, opcode, flags, user_data, ring_flags] =
            btf.req.ok_or("no io_kiocb fields in BTF")?;
        fields.req_ctx = short(ctx)?;
        fields.req_opcode = short(opcode)?;
        fields.req_flags = short(flags)?;
        fields.req_user_data = short(user_data)?;
        fields.ring_flags = short(ring_flags)?;
    }
    if complete_hook == URING_COMPLETE_CQE {
        let (res, flags) = btf.cqe.ok_or("no io_uring_cqe fields in BTF")?;
        fields.cqe_res = short(res)?;
        fields.cqe_flags = short(flags)?;
    }
    Ok(fields)
}

/// The tracepoint twins' settings: where this kernel's io_uring tracepoints' records
/// hold what a line shows; why not, when it has no tracepoints the programs can use.
fn tracepoint_fields() -> Result<UringFields, String> {
    let submit = uring_submit_event().ok_or("this kernel has no io_uring tracepoints")?;
    let complete = "io_uring_complete";
    let at = |event: &str, name: &str| -> Result<u16, String> {
        match field_layout("io_uring", event, name) {
            Ok(Some((offset, _))) => u16::try_from(offset).map_err(|_| format!("{event}: {name}")),
            Ok(None) => Ok(0),
            Err(e) => Err(e.to_string()),
        }
    };
    let res = field_layout("io_uring", complete, "res")
        .map_err(|e| e.to_string())?
        .filter(|&(_, size)| size == 4 || size == 8);
    let fields = UringFields {
        submit_ctx: at(submit, "ctx")?,
        submit_req: at(submit, "req")?,
        submit_user_data: at(submit, "user_data")?,
        submit_opcode: at(submit, "opcode")?,
        submit_sq_thread: at(submit, "sq_thread")?,
        complete_ctx: at(complete, "ctx")?,
        complete_req: at(complete, "req")?,
        complete_user_data: at(complete, "user_data")?,
        complete_res: res.map_or(0, |(offset, _)| offset as u16),
        complete_res_size: res.map_or(0, |(_, size)| size as u16),
        complete_cflags: at(complete, "cflags")?,
        submit_flags: at(submit, "flags")?,
        ..UringFields::NONE
    };
    let f = &fields;
    // Requests are matched by ring and request (or user_data): without those, or the
    // opcode and the result, nothing can be shown.
    let keyed = |req: u16, user_data: u16| req != 0 || user_data != 0;
    if [
        f.submit_ctx,
        f.submit_opcode,
        f.complete_ctx,
        f.complete_res,
    ]
    .contains(&0)
        || !keyed(f.submit_req, f.submit_user_data)
        || !keyed(f.complete_req, f.complete_user_data)
        || (f.complete_req != 0 && f.submit_req == 0)
    {
        return Err(format!("{submit} and {complete} lack the fields needed"));
    }
    Ok(UringFields {
        by_user_data: u16::from(f.complete_req == 0),
        ..fields
    })
}

/// Where the io_uring programs attach and read: the raw tracepoints where BTF allows,
/// else the tracepoints; why neither, when the kernel has nothing they can use.
pub(super) fn fields(offsets: &Offsets) -> Result<UringFields, String> {
    let raw = offsets
        .uring
        .as_ref()
        .ok_or_else(|| "no kernel BTF".to_owned());
    let fields = raw.and_then(raw_fields).or_else(|why| {
        log::debug!("io_uring programs on tracepoints: {why}");
        tracepoint_fields()
    })?;
    // The request's fields only where the tracepoints give the request.
    Ok(UringFields {
        req_fd: offsets.uring_fd.map_or(0, |o| o as u16),
        req_pos: offsets.uring_rw.map_or(0, |(pos, _)| pos as u16),
        req_len: offsets.uring_rw.map_or(0, |(_, len)| len as u16),
        ..fields
    })
}

/// The io_uring programs, loaded and attached on their own: a kernel that refuses them
/// loses the io_uring lines, said in one line when they were asked for, never the trace.
pub(super) fn attach(ebpf: &mut aya::Ebpf, cfg: &Config, fields: &UringFields) {
    let Some(submit) = uring_submit_event() else {
        return;
    };
    let submit_program = match fields.submit_hook {
        URING_SUBMIT_REQ => "tracer_uring_submit_raw",
        URING_SUBMIT_ARGS => "tracer_uring_submit_args",
        _ => "tracer_uring_submit",
    };
    let complete_program = match fields.complete_hook {
        URING_COMPLETE_CQE => "tracer_uring_complete_cqe",
        URING_COMPLETE_ARGS => "tracer_uring_complete_args",
        URING_COMPLETE_OLD => "tracer_uring_complete_old",
        _ => "tracer_uring_complete",
    };
    let hooks = [
        (submit_program, submit),
        (complete_program, "io_uring_complete"),
    ];
    let attached = hooks.iter().try_for_each(|&(name, event)| {
        let program = ebpf.program_mut(name).expect("an io_uring program");
        load_program(name, program)?;
        match program {
            Program::RawTracePoint(p) => p.attach(event).map(|_| ()),
            Program::TracePoint(p) => p.attach("io_uring", event).map(|_| ()),
            _ => unreachable!("{name} is a tracepoint or a raw tracepoint"),
        }
        .map_err(|source| LoadError::Program { name, source })
    });
    if let Err(why) = attached {
        if cfg.trace_set().names_ops() {
            crate::output::note(format_args!("io_uring operations are not shown: {why}"));
        } else {
            log::debug!("io_uring programs: {why}");
        }
        for (name, _) in hooks {
            let _ = match ebpf.program_mut(name).expect("an io_uring program") {
                Program::RawTracePoint(p) => p.unload(),
                Program::TracePoint(p) => p.unload(),
                _ => Ok(()),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracer_common::URING_TRACEPOINT;

    fn named(params: &[(&str, u32)]) -> Vec<Param> {
        params
            .iter()
            .map(|&(name, size)| Param {
                name: Some(name.to_owned()),
                size: Some(size),
            })
            .collect()
    }

    fn unnamed(sizes: &[u32]) -> Vec<Param> {
        sizes
            .iter()
            .map(|&size| Param {
                name: None,
                size: Some(size),
            })
            .collect()
    }

    #[test]
    fn each_known_prototype_has_its_program() {
        // 6.2+ and 6.1.
        assert_eq!(submit_hook(&named(&[("req", 8)])), Some(URING_SUBMIT_REQ));
        let sqe = named(&[("req", 8), ("force_nonblock", 1)]);
        assert_eq!(submit_hook(&sqe), Some(URING_SUBMIT_REQ));
        // 5.11 to 5.18 (Debian's 5.10), whose BTF has no names.
        let old = [8, 8, 1, 8, 4, 1, 1];
        assert_eq!(submit_hook(&unnamed(&old)), Some(URING_SUBMIT_ARGS));
        // 5.10 upstream: no request in the prototype, nothing raw.
        assert_eq!(submit_hook(&unnamed(&[8, 1, 8, 1, 1])), None);
        let cqe = named(&[("ctx", 8), ("req", 8), ("cqe", 8)]);
        assert_eq!(complete_hook(&cqe), Some(URING_COMPLETE_CQE));
        let args = [
            ("ctx", 8),
            ("req", 8),
            ("user_data", 8),
            ("res", 4),
            ("cflags", 4),
            ("extra1", 8),
            ("extra2", 8),
        ];
        assert_eq!(complete_hook(&named(&args)), Some(URING_COMPLETE_ARGS));
        assert_eq!(
            complete_hook(&unnamed(&[8, 8, 8, 4, 4])),
            Some(URING_COMPLETE_ARGS)
        );
        assert_eq!(
            complete_hook(&unnamed(&[8, 8, 4, 4])),
            Some(URING_COMPLETE_OLD)
        );
        assert_eq!(
            complete_hook(&unnamed(&[8, 8, 8, 4])),
            Some(URING_COMPLETE_OLD)
        );
        // A prototype none fits: the tracepoints.
        assert_eq!(complete_hook(&named(&[("ctx", 8), ("cqe", 8)])), None);
        assert_eq!(complete_hook(&unnamed(&[8, 8])), None);
    }

    #[test]
    fn this_kernel_takes_the_raw_programs() {
        let data = super::super::btf::read();
        let types = data.as_deref().and_then(super::super::btf::Types::parse);
        let Some(btf) = super::super::btf::offsets(types.as_ref(), true).uring else {
            println!("skipped: no kernel BTF");
            return;
        };
        if btf.submit.is_none() {
            println!("skipped: no io_uring in this kernel");
            return;
        }
        let fields = raw_fields(&btf).expect("raw io_uring programs");
        assert_ne!(fields.submit_hook, URING_TRACEPOINT);
        assert_ne!(fields.complete_hook, URING_TRACEPOINT);
        if fields.submit_hook == URING_SUBMIT_REQ {
            // After the request's file (or command data) union.
            assert!(fields.req_opcode >= 8 && fields.req_ctx > fields.req_opcode);
        }
        if fields.complete_hook == URING_COMPLETE_CQE {
            // struct io_uring_cqe { __u64 user_data; __s32 res; __u32 flags; ... }
            assert_eq!((fields.cqe_res, fields.cqe_flags), (8, 12));
        }
    }
}
