"""Summarise beekeepers' hive inspection notes into a one-line status with a
small BART trained from scratch. Word-level tokenizer, random init, CPU only.
"""
import functools
import logging
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import BartConfig, BartForConditionalGeneration, PreTrainedTokenizerFast

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("hive")
torch.manual_seed(11)


@dataclass
class Inspection:
    notes: str
    status: str


INSPECTIONS = [
    Inspection("queen seen eggs and larvae present capped brood solid honey frames heavy", "queenright strong colony"),
    Inspection("no eggs no queen seen two queen cells on bottom bars bees agitated", "queenless requeening underway"),
    Inspection("varroa drop high on sticky board deformed wings on several workers", "mite load high treat now"),
    Inspection("brood pattern spotty some sunken cappings foul smell near entrance", "suspect foulbrood inspect again"),
    Inspection("bees bearding on front supers full swarm cells along frame edges", "swarm risk add super"),
    Inspection("light colony few stores cluster small cold weather coming", "weak colony feed syrup"),
]

PAD, BOS, EOS, UNK = "<pad>", "<s>", "</s>", "<unk>"
MAX_NOTES = 24
MAX_STATUS = 8


def build_tokenizer(records):
    vocab = {PAD: 0, BOS: 1, EOS: 2, UNK: 3}
    for r in records:
        for w in (r.notes + " " + r.status).split():
            vocab.setdefault(w, len(vocab))
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token=UNK))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=core, pad_token=PAD, bos_token=BOS,
                                   eos_token=EOS, unk_token=UNK)


def collate(records, tokenizer, start_id):
    src = tokenizer([r.notes for r in records], padding=True, truncation=True,
                    max_length=MAX_NOTES, return_tensors="pt")
    tgt = tokenizer([r.status + " " + EOS for r in records], padding="max_length",
                    truncation=True, max_length=MAX_STATUS, return_tensors="pt")
    targets = tgt["input_ids"].masked_fill(tgt["attention_mask"] == 0, -100)

    # teacher forcing: decoder sees <s> followed by the target shifted one step right
    dec_in = torch.cat(
        [torch.full((targets.size(0), 1), start_id, dtype=torch.long), targets[:, :-1]], dim=1
    )
    return dict(input_ids=src["input_ids"], attention_mask=src["attention_mask"],
                decoder_input_ids=dec_in, labels=targets)


def train(model, loader, epochs=4, lr=2e-3):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for ep in range(epochs):
        total = 0.0
        for step, batch in enumerate(loader):
            loss = model(**batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            opt.zero_grad()
            total += loss.item()
        log.info("epoch %d mean loss %.4f", ep, total / (step + 1))


def main():
    tokenizer = build_tokenizer(INSPECTIONS)
    config = BartConfig(
        vocab_size=len(tokenizer), d_model=32, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2,
        encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=64,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.bos_token_id,
        forced_eos_token_id=tokenizer.eos_token_id,
    )
    model = BartForConditionalGeneration(config)
    log.info("tokenizer size %d, model vocab %d", len(tokenizer), config.vocab_size)

    loader = DataLoader(
        INSPECTIONS, batch_size=3, shuffle=True,
        collate_fn=functools.partial(collate, tokenizer=tokenizer,
                                     start_id=config.decoder_start_token_id),
    )
    train(model, loader)

    model.eval()
    query = tokenizer(["queen seen eggs and larvae present"], return_tensors="pt")
    with torch.no_grad():
        out = model.generate(input_ids=query["input_ids"], attention_mask=query["attention_mask"],
                             max_new_tokens=MAX_STATUS)
    log.info("status: %s", tokenizer.decode(out[0], skip_special_tokens=True))


if __name__ == "__main__":
    main()
