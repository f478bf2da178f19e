"""bert2bert commit-message generator: encode a simplified diff summary, decode a one-line message.

Greedy decoding is hand-rolled so we can reuse the encoder states and stop rows independently
(we want per-row stopping stats for the eval dashboard).
"""
import os
import tempfile

import torch
from transformers import (BertConfig, BertTokenizer, EncoderDecoderConfig,
                          EncoderDecoderModel)

torch.manual_seed(11)

DIFFS = [
    ("+ def parse_config ( path ) : + return yaml . load ( path )", "add config parser"),
    ("- import requests + import httpx", "switch http client to httpx"),
    ("- retries = 3 + retries = 5", "increase retry count"),
    ("+ logger . info ( request ) - print ( request )", "replace print with logger"),
    ("- timeout = 10 + timeout = 30", "increase request timeout"),
    ("+ @ pytest . mark . slow", "mark slow tests"),
]


def make_tokenizer(folder):
    vocab = set()
    for diff, msg in DIFFS:
        vocab.update(diff.lower().split())
        vocab.update(msg.split())
    path = os.path.join(folder, "commit_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(vocab)) + "\n")
    return BertTokenizer(path)


ctok = make_tokenizer(tempfile.mkdtemp(prefix="commitgen_"))


def tiny_bert(**extra):
    return BertConfig(vocab_size=ctok.vocab_size, hidden_size=32, num_hidden_layers=1,
                      num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                      pad_token_id=ctok.pad_token_id, **extra)


ed_config = EncoderDecoderConfig.from_encoder_decoder_configs(
    tiny_bert(), tiny_bert(is_decoder=True, add_cross_attention=True)
)
ed_config.decoder_start_token_id = ctok.cls_token_id
ed_config.pad_token_id = ctok.pad_token_id
ed_config.eos_token_id = ctok.sep_token_id
committer = EncoderDecoderModel(config=ed_config)


def batchify(rows):
    diff_enc = ctok([d for d, _ in rows], padding=True, return_tensors="pt")
    msg_enc = ctok([m for _, m in rows], padding=True, return_tensors="pt")
    msg_labels = msg_enc["input_ids"][:, 1:].masked_fill(msg_enc["attention_mask"][:, 1:] == 0, -100)
    return diff_enc["input_ids"], diff_enc["attention_mask"], msg_labels


opt = torch.optim.AdamW(committer.parameters(), lr=1e-3)
committer.train()
for epoch in range(4):
    diff_ids, diff_mask, msg_labels = batchify(DIFFS)
    loss = committer(input_ids=diff_ids, attention_mask=diff_mask, labels=msg_labels).loss
    loss.backward()
    opt.step()
    opt.zero_grad()
    print(f"epoch {epoch} loss {loss.item():.3f}")


@torch.no_grad()
def greedy_commit_messages(model, diffs, max_steps=8):
    model.eval()
    enc = ctok(diffs, padding=True, return_tensors="pt")
    enc_states = model.get_encoder()(input_ids=enc["input_ids"],
                                     attention_mask=enc["attention_mask"])
    n_rows = enc["input_ids"].size(0)
    draft = torch.full((n_rows, 1), ed_config.decoder_start_token_id, dtype=torch.long)
    done = torch.zeros(n_rows, dtype=torch.bool)
    stop_step = torch.full((n_rows,), max_steps, dtype=torch.long)

    for step in range(max_steps):
        out = model(encoder_outputs=enc_states, attention_mask=enc["attention_mask"],
                    decoder_input_ids=draft)
        next_piece = out.logits[:, -1, :].argmax(dim=-1)
        next_piece = torch.where(done, torch.full_like(next_piece, ctok.pad_token_id), next_piece)
        draft = torch.cat([draft, next_piece], dim=-1)
        newly_done = (next_piece == ctok.sep_token_id) & ~done
        stop_step[newly_done] = step + 1
        done |= newly_done
        if done.all():
            break
    return draft, stop_step


held_out = ["- retries = 3 + retries = 5", "- import requests + import httpx"]
messages, stops = greedy_commit_messages(committer, held_out)
for diff, ids, stop in zip(held_out, messages, stops.tolist()):
    print(f"{diff!r} -> {ctok.decode(ids, skip_special_tokens=True)!r} (stopped at {stop})")
