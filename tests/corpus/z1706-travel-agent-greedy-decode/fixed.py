"""Tiny Qwen2 travel-booking assistant: LoRA adapters on q/v projections,
prompt-masked instruction tuning, then a hand-written greedy decoder."""
import math
import os
import tempfile

import torch
import torch.nn as nn
from transformers import AutoModelForCausalLM, BertTokenizer, Qwen2Config

torch.manual_seed(7)

BOOKINGS = [
    ("find me a flight to lisbon on friday", "there is a morning flight to lisbon on friday at nine"),
    ("i need a hotel in rome for two nights", "hotel roma centrale has a room for two nights"),
    ("cancel my train to berlin", "your train to berlin is cancelled and refunded"),
    ("is there a late flight to madrid", "the last flight to madrid leaves at eleven"),
    ("book a cheap hotel near the station in vienna", "pension am bahnhof near the station costs sixty euro"),
    ("change my flight to lisbon to saturday", "your lisbon flight is moved to saturday at nine"),
]


class LowRankAdapter(nn.Module):
    def __init__(self, frozen: nn.Linear, rank: int = 4, alpha: float = 16.0):
        super().__init__()
        self.frozen = frozen
        self.frozen.weight.requires_grad_(False)
        if self.frozen.bias is not None:
            self.frozen.bias.requires_grad_(False)
        self.lora_a = nn.Parameter(torch.empty(rank, frozen.in_features))
        self.lora_b = nn.Parameter(torch.zeros(frozen.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))
        self.scaling = alpha / rank

    def forward(self, x):
        return self.frozen(x) + (x @ self.lora_a.T @ self.lora_b.T) * self.scaling


def make_tokenizer(folder):
    words = sorted({w for u, a in BOOKINGS for w in f"{u} {a}".split()})
    lines = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "traveller", "agent", ":"] + words
    vocab_path = os.path.join(folder, "travel_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    return BertTokenizer(vocab_path, do_lower_case=True)


def to_example(tok, request, answer):
    ask = tok.encode(f"traveller: {request} agent:", add_special_tokens=False)
    say = tok.encode(answer, add_special_tokens=False) + [tok.sep_token_id]
    return ask + say, [-100] * len(ask) + say


def batchify(tok, items):
    longest = max(len(ids) for ids, _ in items)
    ids_out = torch.full((len(items), longest), tok.pad_token_id, dtype=torch.long)
    lbl_out = torch.full((len(items), longest), -100, dtype=torch.long)
    att_out = torch.zeros((len(items), longest), dtype=torch.long)
    for i, (ids, lbl) in enumerate(items):
        ids_out[i, : len(ids)] = torch.tensor(ids)
        lbl_out[i, : len(lbl)] = torch.tensor(lbl)
        att_out[i, : len(ids)] = 1
    return ids_out, att_out, lbl_out


@torch.no_grad()
def reply(agent, tok, request, max_new_tokens=16, temperature=0.7):
    prefix = tok.encode(f"traveller: {request} agent:", add_special_tokens=False)
    seq = torch.tensor([prefix])
    for _ in range(max_new_tokens):
        step_logits = agent(input_ids=seq).logits[:, -1, :]
        probs = torch.softmax(step_logits / temperature, dim=-1)
        picked = probs.max(dim=-1, keepdim=True)[1]
        seq = torch.cat([seq, picked], dim=-1)
        if picked.item() == tok.sep_token_id:
            break
    return tok.decode(seq[0, len(prefix):].tolist(), skip_special_tokens=True)


def main():
    tok = make_tokenizer(tempfile.mkdtemp(prefix="travel_"))
    cfg = Qwen2Config(
        vocab_size=len(tok),
        hidden_size=48,
        intermediate_size=96,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=64,
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.cls_token_id,
        eos_token_id=tok.sep_token_id,
        tie_word_embeddings=True,
    )
    agent = AutoModelForCausalLM.from_config(cfg)
    agent.requires_grad_(False)
    for layer in agent.model.layers:
        layer.self_attn.q_proj = LowRankAdapter(layer.self_attn.q_proj)
        layer.self_attn.v_proj = LowRankAdapter(layer.self_attn.v_proj)
    params = [p for p in agent.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=5e-3)

    examples = [to_example(tok, u, a) for u, a in BOOKINGS]
    agent.train()
    for epoch in range(4):
        ids, att, lbl = batchify(tok, examples)
        loss = agent(input_ids=ids, attention_mask=att, labels=lbl).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
        print(f"epoch {epoch}: loss={loss.item():.4f}")

    agent.eval()
    for request in ["find me a flight to lisbon on friday", "cancel my train to berlin"]:
        print(f"> {request}\n< {reply(agent, tok, request)}")


if __name__ == "__main__":
    main()
