//! Raw DEFLATE (RFC 1951), the compression of share links, written here
//! rather than taken from a crate because the shipped wasm has a size budget
//! and a link needs little: one-shot compression of a few kilobytes of JSON,
//! and a bounded inflate of untrusted input.
//!
//! [`deflate`] finds repeats with hash chains over the 32 KiB window (looking
//! one byte ahead for a longer repeat) and writes one block with Huffman codes
//! made for its data. [`inflate`] reads every kind of block (stored, fixed and
//! dynamic codes), so links written by earlier Quorums (miniz_oxide at level 9)
//! keep opening. It decodes canonical Huffman codes from the number of codes of
//! each length and the symbols in code order, one bit at a time, as Mark
//! Adler's puff does: slow, but small and easy to check. It never panics, stops
//! at a size limit, and tells input that ends early from input that is wrong.

use std::iter;

/// Why [`inflate`] gave up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InflateError {
    /// The input ends before its last block does: it was cut short.
    EndedEarly,
    /// The input is not DEFLATE (a reserved block type, a code that is
    /// over-subscribed or missing, a distance back past the start, …).
    Malformed,
    /// The output would be longer than the limit.
    TooLarge,
}

/// The base and number of extra bits of each length symbol, 257 to 285.
const LENGTHS: [(u16, u8); 29] = [
    (3, 0),
    (4, 0),
    (5, 0),
    (6, 0),
    (7, 0),
    (8, 0),
    (9, 0),
    (10, 0),
    (11, 1),
    (13, 1),
    (15, 1),
    (17, 1),
    (19, 2),
    (23, 2),
    (27, 2),
    (31, 2),
    (35, 3),
    (43, 3),
    (51, 3),
    (59, 3),
    (67, 4),
    (83, 4),
    (99, 4),
    (115, 4),
    (131, 5),
    (163, 5),
    (195, 5),
    (227, 5),
    (258, 0),
];
/// The base and number of extra bits of each distance symbol, 0 to 29.
const DISTANCES: [(u16, u8); 30] = [
    (1, 0),
    (2, 0),
    (3, 0),
    (4, 0),
    (5, 1),
    (7, 1),
    (9, 2),
    (13, 2),
    (17, 3),
    (25, 3),
    (33, 4),
    (49, 4),
    (65, 5),
    (97, 5),
    (129, 6),
    (193, 6),
    (257, 7),
    (385, 7),
    (513, 8),
    (769, 8),
    (1025, 9),
    (1537, 9),
    (2049, 10),
    (3073, 10),
    (4097, 11),
    (6145, 11),
    (8193, 12),
    (12289, 12),
    (16385, 13),
    (24577, 13),
];
/// The order in which a dynamic block lists the lengths of its code-length code.
const CODE_LENGTH_ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
/// The literal/length symbol that ends a block.
const END_OF_BLOCK: usize = 256;
/// The first length symbol.
const FIRST_LENGTH: usize = 257;
/// The longest code of the literal/length and distance codes.
const MAX_BITS: usize = 15;
/// The longest code of the code-length code (its lengths are sent in 3 bits).
const MAX_CODE_LENGTH_BITS: usize = 7;
/// How far back a repeat may start.
const WINDOW: usize = 32 * 1024;
/// The shortest repeat a length symbol codes.
const MIN_MATCH: usize = 3;
/// The longest repeat a length symbol codes.
const MAX_MATCH: usize = 258;
/// How many earlier positions with the same hash [`Chains::longest`] tries.
const MAX_CHAIN: usize = 1024;
/// The size of the hash of three bytes that chains positions.
const HASH_BITS: u32 = 15;

/// `data` compressed as raw DEFLATE: one final block with dynamic Huffman
/// codes. The same data always gives the same bytes.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut tokens = tokens(data);
    tokens.push((Symbol::plain(END_OF_BLOCK), None));
    let literal_lengths =
        huffman_lengths(&frequencies(tokens.iter().map(|(s, _)| s), FIRST_LENGTH + LENGTHS.len()), MAX_BITS);
    let distance_lengths =
        huffman_lengths(&frequencies(tokens.iter().filter_map(|(_, d)| d.as_ref()), DISTANCES.len()), MAX_BITS);
    let literal_count = used(&literal_lengths, FIRST_LENGTH);
    let distance_count = used(&distance_lengths, 1);
    let all_lengths = [&literal_lengths[..literal_count], &distance_lengths[..distance_count]].concat();
    let runs = run_length_coded(&all_lengths);
    let code_lengths = huffman_lengths(&frequencies(runs.iter(), CODE_LENGTH_ORDER.len()), MAX_CODE_LENGTH_BITS);
    let code_length_count =
        CODE_LENGTH_ORDER.iter().rposition(|&s| code_lengths[s] > 0).map_or(4, |last| (last + 1).max(4));

    let mut out = BitWriter::default();
    out.put(1, 1); // the final block
    out.put(2, 2); // with dynamic Huffman codes
    out.put((literal_count - FIRST_LENGTH) as u32, 5);
    out.put((distance_count - 1) as u32, 5);
    out.put((code_length_count - 4) as u32, 4);
    for &symbol in &CODE_LENGTH_ORDER[..code_length_count] {
        out.put(u32::from(code_lengths[symbol]), 3);
    }
    let code_length_codes = canonical_codes(&code_lengths);
    for run in &runs {
        out.symbol(&code_length_codes, run);
    }
    let (literal_codes, distance_codes) = (canonical_codes(&literal_lengths), canonical_codes(&distance_lengths));
    for (symbol, distance) in &tokens {
        out.symbol(&literal_codes, symbol);
        if let Some(distance) = distance {
            out.symbol(&distance_codes, distance);
        }
    }
    out.finish()
}

/// A symbol of a code with the extra bits that follow it (`extra_bits` of
/// them, holding `extra`).
#[derive(Clone, Copy, Debug)]
struct Symbol {
    code: usize,
    extra: u32,
    extra_bits: u8,
}

impl Symbol {
    fn plain(code: usize) -> Symbol {
        Symbol { code, extra: 0, extra_bits: 0 }
    }

    /// The symbol of `table` (lengths or distances) for `value`, its first
    /// symbol being `first`.
    fn coding(table: &[(u16, u8)], first: usize, value: usize) -> Symbol {
        // Every value coded is at least the first base (3 or 1).
        let index = table.partition_point(|&(base, _)| usize::from(base) <= value) - 1;
        let (base, extra_bits) = table[index];
        Symbol { code: first + index, extra: (value - usize::from(base)) as u32, extra_bits }
    }
}

/// `data` as literal/length symbols, each repeat with its distance symbol.
fn tokens(data: &[u8]) -> Vec<(Symbol, Option<Symbol>)> {
    let mut chains = Chains::new(data);
    let mut tokens = Vec::new();
    let mut at = 0;
    while let Some(&byte) = data.get(at) {
        let (length, distance) = chains.longest(at);
        chains.insert(at);
        // Lazy matching: when a longer repeat starts at the next byte, this
        // byte goes out as a literal and that repeat is taken instead.
        if length >= MIN_MATCH && chains.longest(at + 1).0 <= length {
            let repeat = Symbol::coding(&LENGTHS, FIRST_LENGTH, length);
            tokens.push((repeat, Some(Symbol::coding(&DISTANCES, 0, distance))));
            for covered in at + 1..at + length {
                chains.insert(covered);
            }
            at += length;
        } else {
            tokens.push((Symbol::plain(usize::from(byte)), None));
            at += 1;
        }
    }
    tokens
}

/// The earlier positions of `data`, chained by a hash of the three bytes
/// that start there, for finding repeats.
struct Chains<'a> {
    data: &'a [u8],
    /// The last position inserted with each hash.
    head: Vec<Option<usize>>,
    /// The position inserted before each one with the same hash, for the
    /// last [`WINDOW`] positions (at `position % WINDOW`): a chain is only
    /// followed within the window, where no newer position took the slot.
    previous: Vec<Option<usize>>,
}

impl<'a> Chains<'a> {
    fn new(data: &'a [u8]) -> Chains<'a> {
        Chains { data, head: vec![None; 1 << HASH_BITS], previous: vec![None; data.len().min(WINDOW)] }
    }

    /// The hash of the three bytes at `at`, if there are three.
    fn hash(&self, at: usize) -> Option<usize> {
        let three = self.data.get(at..at + MIN_MATCH)?;
        let word = u32::from_le_bytes([three[0], three[1], three[2], 0]);
        Some((word.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize)
    }

    fn insert(&mut self, at: usize) {
        if let Some(hash) = self.hash(at) {
            self.previous[at % WINDOW] = self.head[hash].replace(at);
        }
    }

    /// The longest repeat (length, distance) of the bytes at `at` among the
    /// positions inserted, or a length below [`MIN_MATCH`].
    fn longest(&self, at: usize) -> (usize, usize) {
        let mut best = (0, 0);
        let mut candidate = self.hash(at).and_then(|hash| self.head[hash]);
        for _ in 0..MAX_CHAIN {
            let Some(from) = candidate.filter(|&from| at - from <= WINDOW) else { break };
            let length =
                self.data[from..].iter().zip(&self.data[at..]).take(MAX_MATCH).take_while(|(a, b)| a == b).count();
            if length > best.0 {
                best = (length, at - from);
                if length == MAX_MATCH {
                    break;
                }
            }
            candidate = self.previous[from % WINDOW];
        }
        best
    }
}

/// How often each of `count` symbols occurs.
fn frequencies<'a>(symbols: impl Iterator<Item = &'a Symbol>, count: usize) -> Vec<u64> {
    let mut frequencies = vec![0; count];
    for symbol in symbols {
        frequencies[symbol.code] += 1;
    }
    frequencies
}

/// How many of `lengths` a block must send: up to the last symbol with a
/// code, and at least `minimum`.
fn used(lengths: &[u8], minimum: usize) -> usize {
    lengths.iter().rposition(|&length| length > 0).map_or(minimum, |last| (last + 1).max(minimum))
}

/// Code lengths of a Huffman code for these symbol frequencies, none longer
/// than `max_bits`.
///
/// Every code gets two symbols at least (the first unused ones stand in), as
/// zlib does: a code of one symbol, or none, is incomplete, which not every
/// decoder accepts. When the tree is too deep, the frequencies are halved
/// (a used symbol stays used) and the tree is built again: it flattens until
/// it fits.
fn huffman_lengths(frequencies: &[u64], max_bits: usize) -> Vec<u8> {
    let mut weights = frequencies.to_vec();
    let missing = 2usize.saturating_sub(weights.iter().filter(|&&w| w > 0).count());
    for weight in weights.iter_mut().filter(|w| **w == 0).take(missing) {
        *weight = 1;
    }
    loop {
        let lengths = tree_depths(&weights);
        if lengths.iter().all(|&length| usize::from(length) <= max_bits) {
            return lengths;
        }
        for weight in &mut weights {
            *weight = weight.div_ceil(2);
        }
    }
}

/// The depth of each used symbol in a Huffman tree of these weights (at
/// least two of them not zero), 0 for the others.
///
/// The leaves are taken lightest first, and the inner nodes are made in order
/// of weight, so the two lightest nodes are always at the front of one of
/// the two queues. Ties go to the lower symbol: the result is deterministic.
fn tree_depths(weights: &[u64]) -> Vec<u8> {
    let mut leaves: Vec<usize> = (0..weights.len()).filter(|&s| weights[s] > 0).collect();
    leaves.sort_by_key(|&s| weights[s]);
    let count = leaves.len();
    // Nodes 0..count are the leaves in that order, then the inner nodes.
    let mut weight: Vec<u64> = leaves.iter().map(|&s| weights[s]).collect();
    let mut parent = vec![0; 2 * count - 1];
    let (mut next_leaf, mut next_inner) = (0, count);
    for node in count..2 * count - 1 {
        let mut children = [0; 2];
        for child in &mut children {
            let leaf = next_leaf < count && (next_inner == node || weight[next_leaf] <= weight[next_inner]);
            let next = if leaf { &mut next_leaf } else { &mut next_inner };
            *child = *next;
            *next += 1;
        }
        weight.push(weight[children[0]] + weight[children[1]]);
        for child in children {
            parent[child] = node;
        }
    }
    // Parents come after their children: the root is last.
    let mut depth = vec![0u8; 2 * count - 1];
    for node in (0..2 * count - 2).rev() {
        depth[node] = depth[parent[node]] + 1;
    }
    let mut lengths = vec![0; weights.len()];
    for (&symbol, &depth) in leaves.iter().zip(&depth) {
        lengths[symbol] = depth;
    }
    lengths
}

/// The code lengths as a dynamic block sends them: a run of zeros as symbol
/// 17 (3 to 10 of them) or 18 (11 to 138), a length repeated as itself, then
/// symbol 16 (3 to 6 more).
fn run_length_coded(lengths: &[u8]) -> Vec<Symbol> {
    let mut coded = Vec::new();
    let mut rest = lengths;
    while let Some(&length) = rest.first() {
        let run = rest.iter().take_while(|&&l| l == length).count();
        rest = &rest[run..];
        let mut left = run;
        if length > 0 {
            coded.push(Symbol::plain(usize::from(length)));
            left -= 1;
        }
        while left >= 3 {
            let (code, base, extra_bits, most) = match length {
                0 if left >= 11 => (18, 11, 7, 138),
                0 => (17, 3, 3, 10),
                _ => (16, 3, 2, 6),
            };
            let times = left.min(most);
            coded.push(Symbol { code, extra: (times - base) as u32, extra_bits });
            left -= times;
        }
        coded.extend(iter::repeat_n(Symbol::plain(usize::from(length)), left));
    }
    coded
}

/// The canonical Huffman code of each symbol (RFC 1951, 3.2.2) with its
/// length, bit-reversed, since Huffman codes go out most significant bit first.
fn canonical_codes(lengths: &[u8]) -> Vec<(u32, u8)> {
    let mut count = [0u32; MAX_BITS + 1];
    for &length in lengths {
        count[usize::from(length)] += 1;
    }
    count[0] = 0; // symbols without a code take no codes
    let mut next = [0u32; MAX_BITS + 1];
    for bits in 1..=MAX_BITS {
        next[bits] = (next[bits - 1] + count[bits - 1]) << 1;
    }
    lengths
        .iter()
        .map(|&length| {
            let code = next[usize::from(length)];
            next[usize::from(length)] += 1;
            (code.reverse_bits().checked_shr(32 - u32::from(length)).unwrap_or(0), length)
        })
        .collect()
}

/// Bits packed into bytes least significant first, as DEFLATE stores them.
#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    pending: u32,
    pending_bits: u32,
}

impl BitWriter {
    /// The low `bits` (up to 16) bits of `value`.
    fn put(&mut self, value: u32, bits: u32) {
        self.pending |= value << self.pending_bits;
        self.pending_bits += bits;
        while self.pending_bits >= 8 {
            self.bytes.push(self.pending as u8);
            self.pending >>= 8;
            self.pending_bits -= 8;
        }
    }

    /// A symbol's code from `codes`, then its extra bits.
    fn symbol(&mut self, codes: &[(u32, u8)], symbol: &Symbol) {
        let (code, length) = codes[symbol.code];
        self.put(code, u32::from(length));
        self.put(symbol.extra, u32::from(symbol.extra_bits));
    }

    /// The bytes, the last one filled up with zeros.
    fn finish(mut self) -> Vec<u8> {
        if self.pending_bits > 0 {
            self.bytes.push(self.pending as u8);
        }
        self.bytes
    }
}

/// `data`, raw DEFLATE, inflated; at most `limit` bytes of it. Bytes after
/// the final block are ignored.
pub fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, InflateError> {
    let mut inflater = Inflater { input: BitReader { data, next: 0, held: 0, held_bits: 0 }, out: Vec::new(), limit };
    loop {
        let last = inflater.input.bits(1)? == 1;
        match inflater.input.bits(2)? {
            0 => inflater.stored()?,
            1 => {
                let (literals, distances) = Huffman::fixed()?;
                inflater.codes(&literals, &distances)?;
            }
            2 => {
                let (literals, distances) = inflater.input.dynamic_codes()?;
                inflater.codes(&literals, &distances)?;
            }
            _ => return Err(InflateError::Malformed),
        }
        if last {
            return Ok(inflater.out);
        }
    }
}

/// An inflate under way: what is left to read and what came out so far.
struct Inflater<'a> {
    input: BitReader<'a>,
    out: Vec<u8>,
    limit: usize,
}

impl Inflater<'_> {
    /// Whether `more` bytes fit under the limit.
    fn room_for(&self, more: usize) -> Result<(), InflateError> {
        // `out` never grows past the limit.
        if more > self.limit - self.out.len() { Err(InflateError::TooLarge) } else { Ok(()) }
    }

    /// A stored block: from the next byte boundary, its length, the length's
    /// complement, and that many bytes.
    fn stored(&mut self) -> Result<(), InflateError> {
        let input = &mut self.input;
        input.held = 0;
        input.held_bits = 0;
        let length = input.bits(16)?;
        if input.bits(16)? != !length & 0xFFFF {
            return Err(InflateError::Malformed);
        }
        let length = length as usize;
        let bytes = input.data.get(input.next..).and_then(|rest| rest.get(..length)).ok_or(InflateError::EndedEarly)?;
        input.next += length;
        self.room_for(length)?;
        self.out.extend_from_slice(bytes);
        Ok(())
    }

    /// A block of Huffman-coded literals and repeats, up to its end.
    fn codes(&mut self, literals: &Huffman, distances: &Huffman) -> Result<(), InflateError> {
        loop {
            let symbol = literals.decode(&mut self.input)?;
            if symbol < END_OF_BLOCK {
                self.room_for(1)?;
                self.out.push(symbol as u8);
            } else if symbol == END_OF_BLOCK {
                return Ok(());
            } else {
                let length = self.input.value(&LENGTHS, symbol - FIRST_LENGTH)?;
                let distance_symbol = distances.decode(&mut self.input)?;
                let distance = self.input.value(&DISTANCES, distance_symbol)?;
                let start = self.out.len().checked_sub(distance).ok_or(InflateError::Malformed)?;
                self.room_for(length)?;
                // One byte at a time: the repeat may overlap what it makes.
                for from in start..start + length {
                    let byte = self.out[from];
                    self.out.push(byte);
                }
            }
        }
    }
}

/// Bits read from bytes least significant first, as DEFLATE stores them.
struct BitReader<'a> {
    data: &'a [u8],
    /// The next byte to read.
    next: usize,
    /// Bits read but not used yet, fewer than 8 between calls.
    held: u32,
    held_bits: u32,
}

impl BitReader<'_> {
    /// The next `bits` bits (up to 16), the first one lowest.
    fn bits(&mut self, bits: u32) -> Result<u32, InflateError> {
        while self.held_bits < bits {
            let byte = *self.data.get(self.next).ok_or(InflateError::EndedEarly)?;
            self.next += 1;
            self.held |= u32::from(byte) << self.held_bits;
            self.held_bits += 8;
        }
        let value = self.held & ((1 << bits) - 1);
        self.held >>= bits;
        self.held_bits -= bits;
        Ok(value)
    }

    /// The length or distance that `symbol` of `table` and its extra bits code.
    fn value(&mut self, table: &[(u16, u8)], symbol: usize) -> Result<usize, InflateError> {
        let &(base, extra_bits) = table.get(symbol).ok_or(InflateError::Malformed)?;
        Ok(usize::from(base) + self.bits(u32::from(extra_bits))? as usize)
    }

    /// The codes of a dynamic block, from its header.
    fn dynamic_codes(&mut self) -> Result<(Huffman, Huffman), InflateError> {
        let literal_count = self.bits(5)? as usize + FIRST_LENGTH;
        let distance_count = self.bits(5)? as usize + 1;
        let code_length_count = self.bits(4)? as usize + 4;
        if literal_count > FIRST_LENGTH + LENGTHS.len() || distance_count > DISTANCES.len() {
            return Err(InflateError::Malformed);
        }
        let mut code_lengths = [0; CODE_LENGTH_ORDER.len()];
        for &symbol in &CODE_LENGTH_ORDER[..code_length_count] {
            code_lengths[symbol] = self.bits(3)? as u8;
        }
        let code_length_code = Huffman::new(&code_lengths)?;
        let total = literal_count + distance_count;
        let mut lengths = Vec::with_capacity(total);
        while lengths.len() < total {
            let (length, times) = match code_length_code.decode(self)? {
                16 => (*lengths.last().ok_or(InflateError::Malformed)?, 3 + self.bits(2)?),
                17 => (0, 3 + self.bits(3)?),
                18 => (0, 11 + self.bits(7)?),
                length => (length as u8, 1),
            };
            lengths.extend(iter::repeat_n(length, times as usize));
        }
        if lengths.len() > total || lengths[END_OF_BLOCK] == 0 {
            return Err(InflateError::Malformed);
        }
        let (literals, distances) = lengths.split_at(literal_count);
        Ok((Huffman::new(literals)?, Huffman::new(distances)?))
    }
}

/// The code lengths of the fixed literal/length code (RFC 1951, 3.2.6).
fn fixed_literal_lengths() -> Vec<u8> {
    (0..288)
        .map(|symbol| match symbol {
            0..=143 => 8,
            144..=255 => 9,
            256..=279 => 7,
            _ => 8,
        })
        .collect()
}

/// A canonical Huffman code for decoding, as puff keeps it.
struct Huffman {
    /// How many codes have each length (index 0: symbols without a code).
    counts: [u16; MAX_BITS + 1],
    /// The symbols in code order: by length, then by symbol.
    symbols: Vec<u16>,
}

impl Huffman {
    /// The code with these code lengths (each at most [`MAX_BITS`]; 0 for a
    /// symbol without a code). A code must not be over-subscribed, and may be
    /// incomplete only if it has one code at most (a lone distance code is
    /// sent in one bit).
    fn new(lengths: &[u8]) -> Result<Huffman, InflateError> {
        let mut counts = [0u16; MAX_BITS + 1];
        for &length in lengths {
            counts[usize::from(length)] += 1;
        }
        let mut left: i32 = 1; // codes of the current length not taken yet
        for &count in &counts[1..] {
            left = (left << 1) - i32::from(count);
            if left < 0 {
                return Err(InflateError::Malformed);
            }
        }
        if left > 0 && lengths.len() - usize::from(counts[0]) > 1 {
            return Err(InflateError::Malformed);
        }
        let symbols = (1..=MAX_BITS as u8)
            .flat_map(|length| (0..).zip(lengths).filter(move |&(_, &l)| l == length).map(|(symbol, _)| symbol))
            .collect();
        Ok(Huffman { counts, symbols })
    }

    /// The fixed literal/length and distance codes (RFC 1951, 3.2.6). The
    /// distance code has all 32 symbols, so that it is complete: 30 and 31
    /// decode, and are refused as distances.
    fn fixed() -> Result<(Huffman, Huffman), InflateError> {
        Ok((Huffman::new(&fixed_literal_lengths())?, Huffman::new(&[5; 32])?))
    }

    /// The next symbol: the code is read a bit at a time, and the codes of
    /// each length are consecutive numbers, `first` to `first + count`.
    fn decode(&self, input: &mut BitReader) -> Result<usize, InflateError> {
        let (mut code, mut first, mut index) = (0u32, 0u32, 0u32);
        for &count in &self.counts[1..] {
            code |= input.bits(1)?;
            let count = u32::from(count);
            if code < first + count {
                // `code >= first` throughout: it was not below the last length's end.
                let symbol = self.symbols.get((index + code - first) as usize).ok_or(InflateError::Malformed)?;
                return Ok(usize::from(*symbol));
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err(InflateError::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A final block with the fixed codes: literal/length symbols, a repeat's
    /// with its distance symbol (no extra bits).
    fn fixed_block(tokens: &[(usize, Option<usize>)]) -> Vec<u8> {
        let (literal_codes, distance_codes) = (canonical_codes(&fixed_literal_lengths()), canonical_codes(&[5; 32]));
        let mut out = BitWriter::default();
        out.put(1, 1);
        out.put(1, 2);
        for &(symbol, distance) in tokens {
            out.symbol(&literal_codes, &Symbol::plain(symbol));
            if let Some(distance) = distance {
                out.symbol(&distance_codes, &Symbol::plain(distance));
            }
        }
        out.finish()
    }

    #[test]
    fn fixed_blocks_inflate() {
        let packed = fixed_block(&[(usize::from(b'a'), None), (257, Some(0)), (END_OF_BLOCK, None)]);
        assert_eq!(inflate(&packed, 100), Ok(b"aaaa".to_vec()));
        assert_eq!(inflate(&[0x03, 0x00], 100), Ok(vec![]), "only the end of the block");
    }

    #[test]
    fn stored_blocks_inflate_and_check_their_length() {
        let hello = [0x01, 5, 0, !5, 0xFF, b'h', b'e', b'l', b'l', b'o'];
        assert_eq!(inflate(&hello, 100), Ok(b"hello".to_vec()));
        let mut wrong_complement = hello;
        wrong_complement[3] ^= 1;
        assert_eq!(inflate(&wrong_complement, 100), Err(InflateError::Malformed));
        for cut in 0..hello.len() {
            assert_eq!(inflate(&hello[..cut], 100), Err(InflateError::EndedEarly), "cut at {cut}");
        }
        // Not the final block: a fixed block follows.
        let then_fixed =
            [&[0x00, 1, 0, !1, 0xFF, b'!'][..], &fixed_block(&[(usize::from(b'?'), None), (256, None)])].concat();
        assert_eq!(inflate(&then_fixed, 100), Ok(b"!?".to_vec()));
    }

    #[test]
    fn what_no_stream_holds_is_malformed() {
        let malformed = |packed: &[u8]| assert_eq!(inflate(packed, 100), Err(InflateError::Malformed), "{packed:?}");
        malformed(&[0x07]); // block type 3
        malformed(&fixed_block(&[(257, Some(0)), (END_OF_BLOCK, None)])); // a repeat before the start
        malformed(&fixed_block(&[(usize::from(b'a'), None), (257, Some(30)), (END_OF_BLOCK, None)]));
        malformed(&fixed_block(&[(286, None)]));
    }

    #[test]
    fn input_that_stops_inside_a_block_ended_early() {
        assert_eq!(inflate(&[], 100), Err(InflateError::EndedEarly));
        assert_eq!(inflate(&fixed_block(&[(usize::from(b'a'), None)]), 100), Err(InflateError::EndedEarly));
    }

    #[test]
    fn the_limit_bounds_the_output() {
        let data = b"abc".repeat(400);
        for packed in [deflate(&data), [&[0x01, 0xB0, 0x04, !0xB0, !0x04][..], &data].concat()] {
            assert_eq!(inflate(&packed, data.len()), Ok(data.clone()));
            assert_eq!(inflate(&packed, data.len() - 1), Err(InflateError::TooLarge));
        }
    }

    #[test]
    fn bytes_after_the_final_block_are_ignored() {
        let packed = [deflate(b"scenario"), b"trailing".to_vec()].concat();
        assert_eq!(inflate(&packed, 100), Ok(b"scenario".to_vec()));
    }

    #[test]
    fn codes_may_not_be_over_subscribed_nor_incomplete_unless_lone() {
        for (lengths, valid) in [
            (&[1, 1][..], true),
            (&[1, 2, 2], true),
            (&[1], true),
            (&[0, 0], true),
            (&[1, 1, 1], false),
            (&[2, 2, 2], false),
        ] {
            assert_eq!(Huffman::new(lengths).is_ok(), valid, "{lengths:?}");
        }
    }

    /// Kraft's sum, in units of 2^-15: 2^15 for a complete code.
    fn kraft(lengths: &[u8]) -> u32 {
        lengths.iter().filter(|&&l| l > 0).map(|&l| 1 << (MAX_BITS - usize::from(l))).sum()
    }

    #[test]
    fn code_lengths_are_complete_and_no_longer_than_the_limit() {
        // Fibonacci frequencies make the deepest Huffman trees.
        let mut fibonacci = vec![1u64, 1];
        while fibonacci.len() < 19 {
            fibonacci.push(fibonacci[fibonacci.len() - 1] + fibonacci[fibonacci.len() - 2]);
        }
        assert_eq!(tree_depths(&fibonacci).iter().max(), Some(&18), "the limit must matter here");
        for max_bits in [MAX_BITS, MAX_CODE_LENGTH_BITS] {
            let lengths = huffman_lengths(&fibonacci, max_bits);
            assert!(lengths.iter().all(|&l| (1..=max_bits).contains(&usize::from(l))), "{lengths:?}");
            assert_eq!(kraft(&lengths), 1 << MAX_BITS, "{lengths:?}");
        }
        // One symbol or none: two codes of one bit, a complete code.
        assert_eq!(huffman_lengths(&[0, 0, 7], MAX_BITS), [1, 0, 1]);
        assert_eq!(huffman_lengths(&[0, 0, 0], MAX_BITS), [1, 1, 0]);
    }
}
