"""Apiary inspection notes -> standard hive codes.

Stage 1 aligns a small T5 encoder with the code strings using contrastive pairs
(sentence-transformers), stage 2 warm-starts the seq2seq model from that encoder
and trains it to write the codes, then we decode a couple of notes.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertTokenizer, T5Config, T5ForConditionalGeneration
from sentence_transformers import InputExample, SentenceTransformer, losses, models

random.seed(11)
np.random.seed(11)
torch.manual_seed(11)

INSPECTIONS = [
    ("queen seen laying well brood pattern solid", "[QUEEN_OK] [BROOD_SOLID]"),
    ("no queen found emergency cells on frame four", "[QUEENLESS] [E_CELLS]"),
    ("mite drop high after sugar roll", "[VARROA_HIGH]"),
    ("capped honey on six frames add super", "[STORES_OK] [ADD_SUPER]"),
    ("chalkbrood mummies at entrance brood spotty", "[CHALKBROOD] [BROOD_SPOTTY]"),
    ("colony calm queen seen stores low feed syrup", "[QUEEN_OK] [FEED]"),
    ("swarm cells along bottom bars split colony", "[SWARM_CELLS] [SPLIT]"),
    ("mite drop low brood pattern solid", "[VARROA_LOW] [BROOD_SOLID]"),
]
HIVE_CODES = sorted({c for _, tgt in INSPECTIONS for c in tgt.split()})

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def write_vocab(folder):
    words = sorted({w for note, _ in INSPECTIONS for w in note.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + words) + "\n")
    return path


def build_seq2seq(workdir):
    tok = BertTokenizer(write_vocab(workdir))
    # the codes are single tokens on the target side
    tok.add_tokens(HIVE_CODES)
    cfg = T5Config(
        vocab_size=len(tok),
        d_model=32, d_kv=16, d_ff=64, num_layers=1, num_decoder_layers=1, num_heads=2,
        pad_token_id=tok.pad_token_id, eos_token_id=tok.sep_token_id,
        decoder_start_token_id=tok.cls_token_id,
    )
    model = T5ForConditionalGeneration(cfg)
    ckpt = os.path.join(workdir, "hive-t5")
    model.save_pretrained(ckpt)
    tok.save_pretrained(ckpt)
    print(f"saved seq2seq checkpoint to {ckpt} (tokenizer size {len(tok)})")
    return ckpt, tok


def contrastive_stage(ckpt):
    word_emb = models.Transformer(ckpt, max_seq_length=24)
    pool = models.Pooling(word_emb.get_word_embedding_dimension(), pooling_mode="mean")
    embedder = SentenceTransformer(modules=[word_emb, pool], device="cpu")
    pairs = [InputExample(texts=[note, codes]) for note, codes in INSPECTIONS]
    loader = DataLoader(pairs, batch_size=4, shuffle=True)
    loss_fn = losses.MultipleNegativesRankingLoss(embedder)
    embedder.old_fit(train_objectives=[(loader, loss_fn)], epochs=2, warmup_steps=1,
                     show_progress_bar=False)
    return embedder


def make_batch(tok, rows, src_len=16, tgt_len=8):
    src = tok([n for n, _ in rows], padding="max_length", truncation=True,
              max_length=src_len, return_tensors="pt")
    tgt = tok([c for _, c in rows], padding="max_length", truncation=True,
              max_length=tgt_len, add_special_tokens=False, return_tensors="pt")
    targets = tgt["input_ids"].clone()
    targets[tgt["attention_mask"] == 0] = -100
    return src["input_ids"], src["attention_mask"], targets


def seq2seq_stage(ckpt, tok, embedder):
    model = T5ForConditionalGeneration.from_pretrained(ckpt)
    tuned = embedder[0].auto_model
    model.encoder.load_state_dict(tuned.encoder.state_dict())
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for epoch in range(3):
        random.shuffle(INSPECTIONS)
        for i in range(0, len(INSPECTIONS), 4):
            ids, att, targets = make_batch(tok, INSPECTIONS[i:i + 4])
            out = model(input_ids=ids, attention_mask=att, labels=targets)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
        print(f"seq2seq epoch {epoch} loss {out.loss.item():.3f}")
    return model


def main():
    workdir = tempfile.mkdtemp()
    ckpt, tok = build_seq2seq(workdir)
    embedder = contrastive_stage(ckpt)
    print("contrastive stage done")
    model = seq2seq_stage(ckpt, tok, embedder)
    model.eval()
    notes = ["queen seen brood pattern solid", "mite drop high"]
    enc = tok(notes, padding=True, return_tensors="pt")
    with torch.no_grad():
        gen = model.generate(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"],
                             max_new_tokens=6)
    for note, row in zip(notes, gen):
        print(f"{note!r} -> {tok.decode(row, skip_special_tokens=True)!r}")


if __name__ == "__main__":
    main()
