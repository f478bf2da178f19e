"""Tiny Marian EN->DE model for translating customer-support ticket snippets.

Trains for a few steps, then runs our own greedy decoder so the support tool can
stream partial translations to agents.
"""
import os
import tempfile

import torch
from transformers import BertTokenizer, MarianConfig, MarianMTModel

torch.manual_seed(11)

TICKETS = [
    ("my order has not arrived yet", "meine bestellung ist noch nicht angekommen"),
    ("the app crashes when i open settings", "die app stürzt ab wenn ich die einstellungen öffne"),
    ("please cancel my subscription", "bitte kündigen sie mein abonnement"),
    ("i was charged twice for the same order", "mir wurde dieselbe bestellung zweimal berechnet"),
    ("how do i reset my password", "wie setze ich mein passwort zurück"),
    ("the invoice shows the wrong address", "die rechnung zeigt die falsche adresse"),
]

EXTRA_WORDS = "hello thanks refund delivery late broken screen".split()
MAX_TRANSLATION_LEN = 12


def write_shared_vocab(folder):
    words = set(EXTRA_WORDS)
    for en, de in TICKETS:
        words.update(en.split())
        words.update(de.split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "support_vocab.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")
    return path


def make_model(tok):
    conf = MarianConfig(
        vocab_size=len(tok),
        decoder_vocab_size=len(tok),
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=64,
        pad_token_id=tok.pad_token_id,
        eos_token_id=tok.sep_token_id,
        decoder_start_token_id=tok.pad_token_id,
        share_encoder_decoder_embeddings=True,
    )
    return MarianMTModel(conf)


def encode_pairs(tok, pairs):
    src = tok([en for en, _ in pairs], padding=True, return_tensors="pt",
              return_token_type_ids=False, add_special_tokens=False)
    tgt = tok([de + " [SEP]" for _, de in pairs], padding=True, return_tensors="pt",
              return_token_type_ids=False, add_special_tokens=False)
    labels = tgt.input_ids.masked_fill(tgt.attention_mask == 0, -100)
    return src.input_ids, src.attention_mask, labels


def fit(model, tok, steps=1):
    src_ids, src_mask, labels = encode_pairs(tok, TICKETS)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    for step in range(steps):
        loss = model(input_ids=src_ids, attention_mask=src_mask, labels=labels).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            print(f"step {step:2d} loss {loss.item():.3f}")


@torch.no_grad()
def greedy_translate(model, src_ids, src_mask, max_out):
    cfg = model.config
    n_rows = src_ids.size(0)
    hyp = torch.full((n_rows, max_out), cfg.pad_token_id, dtype=torch.long)
    hyp[:, 0] = cfg.decoder_start_token_id
    done = torch.zeros(n_rows, dtype=torch.bool)
    enc_out = model.get_encoder()(input_ids=src_ids, attention_mask=src_mask)
    steps = src_ids.size(1)
    for pos in range(1, steps):
        logits = model(encoder_outputs=enc_out, attention_mask=src_mask,
                       decoder_input_ids=hyp[:, :pos]).logits
        next_tok = logits[:, -1, :].argmax(dim=-1)
        next_tok = torch.where(done, torch.full_like(next_tok, cfg.pad_token_id), next_tok)
        hyp[:, pos] = next_tok
        done |= next_tok == cfg.eos_token_id
    return hyp


def main():
    folder = tempfile.mkdtemp(prefix="support_mt_")
    tok = BertTokenizer(write_shared_vocab(folder), do_lower_case=True)
    model = make_model(tok)
    fit(model, tok)
    model.eval()

    incoming = [
        "hello my order has not arrived yet and the delivery is late please refund",
        "the app crashes",
        "how do i reset my password",
    ]
    batch = tok(incoming, padding=True, return_tensors="pt",
                return_token_type_ids=False, add_special_tokens=False)
    print("source width:", batch.input_ids.shape[1])
    hyp = greedy_translate(model, batch.input_ids, batch.attention_mask, MAX_TRANSLATION_LEN)
    for en, row in zip(incoming, hyp):
        print(en, "=>", tok.decode(row, skip_special_tokens=True))


if __name__ == "__main__":
    main()
