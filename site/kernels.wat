;; The text tower's one heavy operation, in WebAssembly SIMD: y = x · Wᵀ + bias.
;;
;; W holds int8 rows (one per output, `in` bytes each) with one float scale per group of
;; `group` weights of a row, as photoseek exports them; x and y are float32 rows. Four
;; rows of x are done at once, so each weight is read and widened to float once per four
;; tokens: callers pad x to a multiple of four rows, and `group` is a multiple of 16 that
;; divides `in`. Compiled to kernels.wasm by `python -m photoseek.build_site.kernels`
;; (a test checks that the two agree).
(module
  (import "env" "memory" (memory 1))
  (func $sum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))
  (func (export "matmul")
    (param $x i32) (param $w i32) (param $scale i32) (param $bias i32) (param $y i32)
    (param $rows i32) (param $in i32) (param $out i32) (param $group i32)
    (local $t i32) (local $o i32) (local $i i32) (local $end i32) (local $wrow i32)
    (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128) (local $g v128)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $stride i32)
    (local $yrow i32) (local $sp i32) (local $b f32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $lo v128) (local $hi v128)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128)
    (local.set $stride (i32.shl (local.get $in) (i32.const 2)))
    (local.set $t (i32.const 0))
    (block $done_t
      (loop $each_t
        (br_if $done_t (i32.ge_u (local.get $t) (local.get $rows)))
        (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $t) (local.get $stride))))
        (local.set $x1 (i32.add (local.get $x0) (local.get $stride)))
        (local.set $x2 (i32.add (local.get $x1) (local.get $stride)))
        (local.set $x3 (i32.add (local.get $x2) (local.get $stride)))
        (local.set $o (i32.const 0))
        (block $done_o
          (loop $each_o
            (br_if $done_o (i32.ge_u (local.get $o) (local.get $out)))
            (local.set $wrow (i32.add (local.get $w) (i32.mul (local.get $o) (local.get $in))))
            ;; This row's first group scale: rows hold in / group scales each.
            (local.set $sp (i32.add (local.get $scale)
              (i32.shl (i32.mul (local.get $o) (i32.div_u (local.get $in) (local.get $group)))
                (i32.const 2))))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0))
            (local.set $a3 (v128.const i32x4 0 0 0 0))
            (local.set $i (i32.const 0))
            (block $done_g
              (loop $each_g
                (br_if $done_g (i32.ge_u (local.get $i) (local.get $in)))
                (local.set $p0 (v128.const i32x4 0 0 0 0))
                (local.set $p1 (v128.const i32x4 0 0 0 0))
                (local.set $p2 (v128.const i32x4 0 0 0 0))
                (local.set $p3 (v128.const i32x4 0 0 0 0))
                (local.set $end (i32.add (local.get $i) (local.get $group)))
                (block $done_i
                  (loop $each_i
                    (br_if $done_i (i32.ge_u (local.get $i) (local.get $end)))
                    (local.set $lo (v128.load (i32.add (local.get $wrow) (local.get $i))))
                    (local.set $hi (i16x8.extend_high_i8x16_s (local.get $lo)))
                    (local.set $lo (i16x8.extend_low_i8x16_s (local.get $lo)))
                    (local.set $w0 (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $lo))))
                    (local.set $w1 (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $lo))))
                    (local.set $w2 (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $hi))))
                    (local.set $w3 (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $hi))))
                    (local.set $p0 (f32x4.add (local.get $p0) (f32x4.add
                      (f32x4.add
                        (f32x4.mul (local.get $w0) (v128.load offset=0 (local.get $x0)))
                        (f32x4.mul (local.get $w1) (v128.load offset=16 (local.get $x0))))
                      (f32x4.add
                        (f32x4.mul (local.get $w2) (v128.load offset=32 (local.get $x0)))
                        (f32x4.mul (local.get $w3) (v128.load offset=48 (local.get $x0)))))))
                    (local.set $p1 (f32x4.add (local.get $p1) (f32x4.add
                      (f32x4.add
                        (f32x4.mul (local.get $w0) (v128.load offset=0 (local.get $x1)))
                        (f32x4.mul (local.get $w1) (v128.load offset=16 (local.get $x1))))
                      (f32x4.add
                        (f32x4.mul (local.get $w2) (v128.load offset=32 (local.get $x1)))
                        (f32x4.mul (local.get $w3) (v128.load offset=48 (local.get $x1)))))))
                    (local.set $p2 (f32x4.add (local.get $p2) (f32x4.add
                      (f32x4.add
                        (f32x4.mul (local.get $w0) (v128.load offset=0 (local.get $x2)))
                        (f32x4.mul (local.get $w1) (v128.load offset=16 (local.get $x2))))
                      (f32x4.add
                        (f32x4.mul (local.get $w2) (v128.load offset=32 (local.get $x2)))
                        (f32x4.mul (local.get $w3) (v128.load offset=48 (local.get $x2)))))))
                    (local.set $p3 (f32x4.add (local.get $p3) (f32x4.add
                      (f32x4.add
                        (f32x4.mul (local.get $w0) (v128.load offset=0 (local.get $x3)))
                        (f32x4.mul (local.get $w1) (v128.load offset=16 (local.get $x3))))
                      (f32x4.add
                        (f32x4.mul (local.get $w2) (v128.load offset=32 (local.get $x3)))
                        (f32x4.mul (local.get $w3) (v128.load offset=48 (local.get $x3)))))))
                    (local.set $x0 (i32.add (local.get $x0) (i32.const 64)))
                    (local.set $x1 (i32.add (local.get $x1) (i32.const 64)))
                    (local.set $x2 (i32.add (local.get $x2) (i32.const 64)))
                    (local.set $x3 (i32.add (local.get $x3) (i32.const 64)))
                    (local.set $i (i32.add (local.get $i) (i32.const 16)))
                    (br $each_i)))
                ;; The group's sums, times its scale, join the row's.
                (local.set $g (f32x4.splat (f32.load (local.get $sp))))
                (local.set $sp (i32.add (local.get $sp) (i32.const 4)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $p0) (local.get $g))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $p1) (local.get $g))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $p2) (local.get $g))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $p3) (local.get $g))))
                (br $each_g)))
            ;; Back to the start of the four x rows for the next output.
            (local.set $x0 (i32.sub (local.get $x0) (local.get $stride)))
            (local.set $x1 (i32.sub (local.get $x1) (local.get $stride)))
            (local.set $x2 (i32.sub (local.get $x2) (local.get $stride)))
            (local.set $x3 (i32.sub (local.get $x3) (local.get $stride)))
            (local.set $b (f32.load (i32.add (local.get $bias) (i32.shl (local.get $o) (i32.const 2)))))
            (local.set $yrow (i32.add (local.get $y)
              (i32.shl (i32.add (i32.mul (local.get $t) (local.get $out)) (local.get $o)) (i32.const 2))))
            (f32.store (local.get $yrow)
              (f32.add (call $sum (local.get $a0)) (local.get $b)))
            (local.set $yrow (i32.add (local.get $yrow) (i32.shl (local.get $out) (i32.const 2))))
            (f32.store (local.get $yrow)
              (f32.add (call $sum (local.get $a1)) (local.get $b)))
            (local.set $yrow (i32.add (local.get $yrow) (i32.shl (local.get $out) (i32.const 2))))
            (f32.store (local.get $yrow)
              (f32.add (call $sum (local.get $a2)) (local.get $b)))
            (local.set $yrow (i32.add (local.get $yrow) (i32.shl (local.get $out) (i32.const 2))))
            (f32.store (local.get $yrow)
              (f32.add (call $sum (local.get $a3)) (local.get $b)))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (br $each_o)))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (br $each_t))))
)
