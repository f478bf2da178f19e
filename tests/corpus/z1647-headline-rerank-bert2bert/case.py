"""Rerank candidate news headlines with a small BERT2BERT model.

Each article gets several candidate headlines (from editors / a template system);
we keep the one with the highest length-normalised log-likelihood under the model.
"""
import os
import tempfile

import torch
from transformers import (BertConfig, BertTokenizer, EncoderDecoderConfig,
                          EncoderDecoderModel)

torch.manual_seed(21)

ARTICLES = [
    {
        "body": "the city council approved a new budget for public transport on monday "
                "adding more buses and extending night service",
        "candidates": [
            "council approves transport budget",
            "more buses and night service approved",
            "city budget news",
        ],
    },
    {
        "body": "heavy rain caused flooding in the river valley and several roads "
                "were closed while residents moved to higher ground",
        "candidates": [
            "flooding closes roads in river valley",
            "heavy rain hits valley",
            "residents move as river floods",
        ],
    },
]


def write_vocab(folder):
    words = set()
    for art in ARTICLES:
        words.update(art["body"].split())
        for c in art["candidates"]:
            words.update(c.split())
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    path = os.path.join(folder, "news_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


def build_bert2bert(tok):
    common = dict(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                  num_attention_heads=2, intermediate_size=64,
                  max_position_embeddings=64, pad_token_id=tok.pad_token_id)
    enc_cfg = BertConfig(**common)
    dec_cfg = BertConfig(**common, is_decoder=True, add_cross_attention=True)
    cfg = EncoderDecoderConfig.from_encoder_decoder_configs(enc_cfg, dec_cfg)
    cfg.decoder_start_token_id = tok.cls_token_id
    cfg.pad_token_id = tok.pad_token_id
    cfg.eos_token_id = tok.sep_token_id
    return EncoderDecoderModel(config=cfg)


def headline_labels(tok, headlines):
    enc = tok(headlines, padding=True, return_tensors="pt", return_token_type_ids=False)
    # drop the leading [CLS]; the decoder start token plays that role
    hl_ids = enc.input_ids[:, 1:]
    hl_mask = enc.attention_mask[:, 1:]
    return hl_ids.masked_fill(hl_mask == 0, -100)


@torch.no_grad()
def score_candidates(model, tok, body, candidates):
    n_cand = len(candidates)
    art = tok([body] * n_cand, return_tensors="pt", return_token_type_ids=False)
    cand_labels = headline_labels(tok, candidates)
    out = model(input_ids=art.input_ids, attention_mask=art.attention_mask,
                labels=cand_labels)
    logp = torch.log_softmax(out.logits, dim=-1)
    valid = cand_labels != -100
    safe_labels = cand_labels.masked_fill(~valid, tok.pad_token_id)
    token_logp = logp.gather(-1, safe_labels)
    token_logp = token_logp * valid
    seq_logp = token_logp.sum(dim=1) / valid.sum(dim=1)
    return seq_logp


def warm_up(model, tok, steps=15):
    bodies = [a["body"] for a in ARTICLES]
    refs = [a["candidates"][0] for a in ARTICLES]
    src = tok(bodies, padding=True, return_tensors="pt", return_token_type_ids=False)
    labels = headline_labels(tok, refs)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    model.train()
    for i in range(steps):
        loss = model(input_ids=src.input_ids, attention_mask=src.attention_mask,
                     labels=labels).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"warm-up done, final loss {loss.item():.3f}")


def main():
    folder = tempfile.mkdtemp(prefix="headlines_")
    tok = BertTokenizer(write_vocab(folder))
    model = build_bert2bert(tok)
    warm_up(model, tok)
    model.eval()

    for art in ARTICLES:
        scores = score_candidates(model, tok, art["body"], art["candidates"])
        best = int(scores.argmax())
        for cand, s in zip(art["candidates"], scores.tolist()):
            print(f"  {s:7.3f}  {cand}")
        print("picked:", art["candidates"][best])


if __name__ == "__main__":
    main()
