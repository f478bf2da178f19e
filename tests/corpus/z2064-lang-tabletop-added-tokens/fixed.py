"""Language-conditioned tabletop pick-and-place: behaviour cloning with a tiny BERT instruction encoder.

Each demo step gives an instruction, 7-DoF joint positions + gripper width, and a 64-d camera embedding
(precomputed from the front camera). The policy predicts a chunk of future delta-joint actions.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
random.seed(0)

BASE_WORDS = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "pick", "up", "the", "place", "it", "in", "on", "put", "into", "left", "right",
    "red", "green", "blue", "yellow", "block", "cup", "plate", "near", "top", "of", "and",
]
# scene objects get their own atomic tokens so the encoder can bind them to detector slots
OBJECT_TOKENS = ["<mug_0>", "<bowl_1>", "<tray_2>", "<sponge_3>", "<can_4>"]

CHUNK = 4
JOINT_DIM = 7
PROPRIO_DIM = JOINT_DIM + 1
CAM_DIM = 64


def build_tokenizer(workdir):
    vocab_path = os.path.join(workdir, "instr_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(BASE_WORDS) + "\n")
    tok = BertTokenizer(vocab_path)
    tok.add_tokens(OBJECT_TOKENS)
    return tok


def make_demos(n_demos, steps_per_demo):
    templates = [
        "pick up the {a} and place it in the {b}",
        "put the red block on top of the {b}",
        "pick up the {a}",
        "place the {a} near the {b}",
    ]
    demos = []
    for _ in range(n_demos):
        a, b = random.sample(OBJECT_TOKENS, 2)
        text = random.choice(templates).format(a=a, b=b)
        joints = torch.cumsum(0.02 * torch.randn(steps_per_demo + CHUNK, JOINT_DIM), dim=0)
        gripper = (torch.rand(steps_per_demo + CHUNK, 1) > 0.5).float() * 0.08
        cam = torch.randn(steps_per_demo + CHUNK, CAM_DIM)
        demos.append({"instruction": text, "joints": joints, "gripper": gripper, "cam": cam})
    return demos


def flatten_to_samples(demos):
    samples = []
    for d in demos:
        T = d["joints"].shape[0] - CHUNK
        for t in range(T):
            proprio = torch.cat([d["joints"][t], d["gripper"][t]])
            future = d["joints"][t + 1 : t + 1 + CHUNK] - d["joints"][t : t + CHUNK]
            samples.append((d["instruction"], proprio, d["cam"][t], future))
    return samples


class LangBCPolicy(nn.Module):
    def __init__(self, text_cfg):
        super().__init__()
        self.text_encoder = BertModel(text_cfg)
        fused = text_cfg.hidden_size + PROPRIO_DIM + CAM_DIM
        self.head = nn.Sequential(
            nn.Linear(fused, 128), nn.GELU(),
            nn.Linear(128, CHUNK * JOINT_DIM),
        )

    def forward(self, instr_ids, instr_mask, proprio, cam):
        txt = self.text_encoder(input_ids=instr_ids, attention_mask=instr_mask).last_hidden_state[:, 0]
        out = self.head(torch.cat([txt, proprio, cam], dim=-1))
        return out.view(-1, CHUNK, JOINT_DIM)


def main():
    workdir = tempfile.mkdtemp(prefix="tabletop_bc_")
    tokenizer = build_tokenizer(workdir)

    text_cfg = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=32,
        pad_token_id=tokenizer.pad_token_id,
    )
    policy = LangBCPolicy(text_cfg)
    optim = torch.optim.AdamW(policy.parameters(), lr=3e-4)

    samples = flatten_to_samples(make_demos(n_demos=6, steps_per_demo=10))
    random.shuffle(samples)
    batch_size = 8

    for epoch in range(2):
        running = 0.0
        for i in range(0, len(samples), batch_size):
            batch = samples[i : i + batch_size]
            texts = [s[0] for s in batch]
            enc = tokenizer(texts, padding=True, truncation=True, max_length=24, return_tensors="pt")
            proprio = torch.stack([s[1] for s in batch])
            cam = torch.stack([s[2] for s in batch])
            target_chunk = torch.stack([s[3] for s in batch])

            pred_chunk = policy(enc["input_ids"], enc["attention_mask"], proprio, cam)
            loss = nn.functional.smooth_l1_loss(pred_chunk, target_chunk)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch}: chunk loss {running:.4f}")

    print("done")


if __name__ == "__main__":
    main()
