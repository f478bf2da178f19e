"""Summarise coastguard radio log entries into short incident tags with a tiny BART."""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from transformers import BartConfig, BartForConditionalGeneration, BertTokenizer


@dataclass
class RunConfig:
    seed: int = 7
    src_max_len: int = 40
    tgt_max_len: int = 12
    batch_size: int = 4
    steps: int = 3
    lr: float = 3e-4


VESSELS = ["trawler", "ferry", "yacht", "tanker", "tug", "dinghy"]
EVENTS = ["engine failure", "man overboard", "taking water", "fire aboard", "aground", "lost steering"]
PLACES = ["north buoy", "harbour mouth", "sandbank", "east channel", "lighthouse reef"]
FILLER = ["mayday", "pan", "pan", "over", "copy", "position", "heading", "knots", "wind", "swell", "crew", "of", "four"]


def write_vocab(folder):
    words = set(FILLER)
    for group in (VESSELS, EVENTS, PLACES):
        for phrase in group:
            words.update(phrase.split())
    words.update(["incident", ":", "at", "near"])
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def synth_log(rng):
    vessel, event, place = rng.choice(VESSELS), rng.choice(EVENTS), rng.choice(PLACES)
    chatter = " ".join(rng.choice(FILLER) for _ in range(rng.randint(4, 14)))
    log = f"{chatter} {vessel} {event} near {place} {chatter}"
    summary = f"incident : {event} at {place}"
    return log, summary


def encode_pairs(tokenizer, pairs, cfg):
    logs = [p[0] for p in pairs]
    summaries = [p[1] for p in pairs]
    src = tokenizer(logs, padding="max_length", truncation=True, max_length=cfg.src_max_len, return_tensors="pt")
    tgt = tokenizer(summaries, padding="max_length", truncation=True, max_length=cfg.tgt_max_len, return_tensors="pt")
    labels = tgt["input_ids"].clone()
    labels[tgt["attention_mask"] == 0] = -100
    return {
        "input_ids": src["input_ids"],
        "attention_mask": src["attention_mask"],
        "labels": labels,
        "decoder_attention_mask": tgt["attention_mask"],
    }


def build_model(tokenizer):
    config = BartConfig(
        vocab_size=tokenizer.vocab_size,
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=64,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.cls_token_id,
        eos_token_id=tokenizer.sep_token_id,
        decoder_start_token_id=tokenizer.cls_token_id,
    )
    return BartForConditionalGeneration(config)


def train_step(model, optimizer, batch):
    src_mask = batch["attention_mask"]
    out = model(
        input_ids=batch["input_ids"],
        attention_mask=src_mask,
        labels=batch["labels"],
        decoder_attention_mask=batch["decoder_attention_mask"],
    )
    out.loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    return out.loss.item()


def main():
    cfg = RunConfig()
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = BertTokenizer(write_vocab(tmp))
        model = build_model(tokenizer)
        optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
        model.train()
        for step in range(cfg.steps):
            pairs = [synth_log(rng) for _ in range(cfg.batch_size)]
            batch = encode_pairs(tokenizer, pairs, cfg)
            loss = train_step(model, optimizer, batch)
            print(f"step {step}: loss {loss:.4f}")


if __name__ == "__main__":
    main()
