"""Summarise customer-support call transcripts into short ticket titles with a tiny BART.

Prototype run before we plug in the real checkpoint: the model is built from a config,
the WordPiece vocab is written next to the run so the tokenizer can be rebuilt later.
"""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BartConfig, BartForConditionalGeneration, BertTokenizer

SEED = 7
BATCH = 4
random.seed(SEED)
torch.manual_seed(SEED)

AGENT_LINES = ["thanks for calling", "can you reboot the router", "please hold while i check",
               "i see an outage in your area", "let me reset your password", "the refund was issued"]
CALLER_LINES = ["my internet keeps dropping", "the modem lights are blinking", "i was charged twice",
                "i cannot log in to the portal", "the streaming is buffering", "billing looks wrong"]
TITLES = ["intermittent connection drop", "duplicate billing charge", "portal login failure",
          "slow streaming speed", "modem hardware fault"]


def write_vocab(folder):
    words = set()
    for line in AGENT_LINES + CALLER_LINES + TITLES:
        words.update(line.split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    suffixes = ["##s", "##ed", "##ing"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words) + suffixes) + "\n")
    return path


def make_call(rng):
    turns = []
    for _ in range(rng.randint(3, 9)):
        turns.append(rng.choice(CALLER_LINES))
        turns.append(rng.choice(AGENT_LINES))
    return " ".join(turns), rng.choice(TITLES)


workdir = tempfile.mkdtemp(prefix="callsumm_")
tokenizer = BertTokenizer(write_vocab(workdir))

bart_config = BartConfig(
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
model = BartForConditionalGeneration(bart_config)

MAX_TRANSCRIPT_WORDS = bart_config.max_position_embeddings
MAX_TITLE_LEN = 12

rng = random.Random(SEED)
calls = [make_call(rng) for _ in range(24)]


def clip_words(text, limit):
    return " ".join(text.split()[:limit])


def collate(pairs):
    transcripts = [clip_words(t, MAX_TRANSCRIPT_WORDS) for t, _ in pairs]
    titles = [title for _, title in pairs]
    src = tokenizer(transcripts, padding="longest", truncation=True,
                    max_length=bart_config.max_position_embeddings, return_tensors="pt")
    tgt = tokenizer(titles, padding="longest", truncation=True, max_length=MAX_TITLE_LEN,
                    return_tensors="pt")
    title_labels = tgt["input_ids"].masked_fill(tgt["attention_mask"] == 0, -100)
    return {
        "input_ids": src["input_ids"],
        "attention_mask": src["attention_mask"],
        "labels": title_labels,
    }


loader = DataLoader(calls, batch_size=BATCH, shuffle=True, collate_fn=collate)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)

model.train()
for epoch in range(2):
    running = 0.0
    for step, batch in enumerate(loader):
        out = model(**batch)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()
        running += out.loss.item()
    print(f"epoch {epoch}: mean loss {running / len(loader):.4f}")

model.eval()
probe = collate(calls[:2])
with torch.no_grad():
    summaries = model.generate(
        input_ids=probe["input_ids"],
        attention_mask=probe["attention_mask"],
        max_new_tokens=MAX_TITLE_LEN,
        num_beams=2,
    )
for row in tokenizer.batch_decode(summaries, skip_special_tokens=True):
    print("ticket title:", row)
