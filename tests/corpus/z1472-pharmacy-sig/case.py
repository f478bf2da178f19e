"""Fine-tune a tiny T5 to expand pharmacy sig abbreviations into patient-facing
directions ("1 tab po bid" -> "take one tablet by mouth twice daily").

Everything is built locally: the word vocab is written to a temp dir and the
model is initialised from a config, so this runs offline on a laptop CPU.
"""
import os
import tempfile

import torch
from transformers import BertTokenizer, T5Config, T5ForConditionalGeneration

torch.manual_seed(7)

SIG_PAIRS = [
    ("1 tab po bid", "take one tablet by mouth twice daily"),
    ("2 caps po qhs prn sleep", "take two capsules by mouth at bedtime as needed for sleep"),
    ("1 gtt ou tid", "instill one drop in both eyes three times daily"),
    ("apply topically bid x 7 days", "apply to the skin twice daily for seven days"),
    ("1 tab sl q5min prn chest pain", "dissolve one tablet under the tongue every five minutes as needed for chest pain"),
    ("10 ml po q6h", "take ten milliliters by mouth every six hours"),
    ("1 puff inh q4h prn wheeze", "inhale one puff every four hours as needed for wheezing"),
    ("1 supp pr qd", "insert one suppository rectally once daily"),
]

SRC_MAX_LEN = 16
TGT_MAX_LEN = 20


def write_vocab(pairs):
    words = set()
    for src, tgt in pairs:
        words.update(src.split())
        words.update(tgt.split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(prefix="sig_vocab_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")
    return path


def pad_labels(id_lists, length, ignore=-100):
    out = torch.full((len(id_lists), length), ignore, dtype=torch.long)
    for row, ids in enumerate(id_lists):
        ids = ids[:length]
        out[row, : len(ids)] = torch.tensor(ids)
    return out


def shift_for_decoder(target_ids, start_id):
    dec = target_ids.new_zeros(target_ids.shape)
    dec[:, 1:] = target_ids[:, :-1]
    dec[:, 0] = start_id
    return dec


class SigBatcher:
    def __init__(self, tokenizer):
        self.tok = tokenizer

    def __call__(self, pairs):
        sigs = [p[0] for p in pairs]
        directions = [p[1] for p in pairs]
        enc = self.tok(sigs, padding="max_length", truncation=True,
                       max_length=SRC_MAX_LEN, return_tensors="pt",
                       add_special_tokens=False)
        tgt = self.tok(directions, padding="longest", truncation=True,
                       max_length=TGT_MAX_LEN, return_tensors="pt",
                       add_special_tokens=False)
        gold = pad_labels(
            [[t for t in row if t != self.tok.pad_token_id] + [self.tok.sep_token_id]
             for row in tgt["input_ids"].tolist()],
            TGT_MAX_LEN,
        )
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "decoder_input_ids": shift_for_decoder(tgt["input_ids"], self.tok.pad_token_id),
            "decoder_attention_mask": tgt["attention_mask"],
            "labels": gold,
        }


def main():
    tok = BertTokenizer(write_vocab(SIG_PAIRS))
    cfg = T5Config(
        vocab_size=tok.vocab_size, d_model=32, d_kv=16, d_ff=64,
        num_layers=1, num_decoder_layers=1, num_heads=2,
        pad_token_id=tok.pad_token_id, eos_token_id=tok.sep_token_id,
        decoder_start_token_id=tok.pad_token_id,
    )
    model = T5ForConditionalGeneration(cfg)
    print(f"vocab={tok.vocab_size}  params={sum(p.numel() for p in model.parameters()):,}")

    batcher = SigBatcher(tok)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for epoch in range(3):
        running = 0.0
        for start in range(0, len(SIG_PAIRS), 4):
            batch = batcher(SIG_PAIRS[start:start + 4])
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch}  loss {running / 2:.4f}")

    model.eval()
    probe = tok(["1 tab po bid", "1 gtt ou tid"], padding=True, return_tensors="pt",
                add_special_tokens=False, return_token_type_ids=False)
    with torch.no_grad():
        gen = model.generate(**probe, max_new_tokens=TGT_MAX_LEN)
    for row in tok.batch_decode(gen, skip_special_tokens=True):
        print("->", row)


if __name__ == "__main__":
    main()
