"""Language-conditioned pick-and-place policy.

A tiny BERT reads the operator's instruction; the current proprioceptive state
is projected into the same width and fed in as an extra leading token, so the
instruction tokens can attend to the arm's configuration. The pooled output of
that token predicts a chunk of end-effector deltas plus a gripper command.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

WORDS = [
    "pick", "place", "put", "the", "red", "blue", "green", "cube", "bowl",
    "mug", "into", "on", "left", "right", "tray", "shelf", "top", "of", "and",
]
INSTRUCTIONS = [
    "pick the red cube and place it into the bowl",
    "put the blue mug on the tray",
    "pick the green cube",
    "place the red mug on top of the left shelf",
    "put the blue cube into the right bowl",
    "pick the mug",
]
PROPRIO_DIM = 9          # 7 joint angles + 2 finger widths
CHUNK = 4                # predicted future steps
ACTION_DIM = 7           # xyz delta, rpy delta, gripper


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "it"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + WORDS) + "\n")
    return path


class InstructedPolicy(nn.Module):
    def __init__(self, vocab_size, width=32):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=width,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
        )
        self.encoder = BertModel(cfg)
        self.proprio_proj = nn.Sequential(
            nn.Linear(PROPRIO_DIM, width), nn.Tanh(), nn.Linear(width, width)
        )
        self.action_head = nn.Linear(width, CHUNK * ACTION_DIM)

    def forward(self, word_ids, word_mask, joint_state):
        word_vecs = self.encoder.get_input_embeddings()(word_ids)
        state_tok = self.proprio_proj(joint_state).unsqueeze(1)
        tokens = torch.cat([state_tok, word_vecs], dim=1)
        state_mask = word_mask.new_ones(word_mask.size(0), 1)
        token_mask = torch.cat([state_mask, word_mask], dim=1)
        out = self.encoder(inputs_embeds=tokens, attention_mask=token_mask)
        summary = out.last_hidden_state[:, 0]
        return self.action_head(summary).view(-1, CHUNK, ACTION_DIM)


def make_demos(n, tokenizer):
    picks = [INSTRUCTIONS[i % len(INSTRUCTIONS)] for i in range(n)]
    enc = tokenizer(picks, padding=True, return_tensors="pt")
    joints = torch.randn(n, PROPRIO_DIM) * 0.3
    deltas = torch.randn(n, CHUNK, ACTION_DIM - 1) * 0.02
    grip = (torch.rand(n, CHUNK, 1) > 0.5).float()
    expert = torch.cat([deltas, grip], dim=-1)
    return enc["input_ids"], enc["attention_mask"], joints, expert


def bc_loss(pred, expert):
    pose_err = nn.functional.mse_loss(pred[..., :-1], expert[..., :-1])
    grip_err = nn.functional.binary_cross_entropy_with_logits(
        pred[..., -1], expert[..., -1]
    )
    return pose_err + 0.5 * grip_err


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = BertTokenizer(write_vocab(tmp))
        word_ids, word_mask, joints, expert = make_demos(24, tokenizer)

    policy = InstructedPolicy(vocab_size=tokenizer.vocab_size)
    opt = torch.optim.AdamW(policy.parameters(), lr=3e-4)
    batch = 8

    for epoch in range(3):
        perm = torch.randperm(word_ids.size(0))
        running = 0.0
        for start in range(0, perm.numel(), batch):
            idx = perm[start:start + batch]
            pred = policy(word_ids[idx], word_mask[idx], joints[idx])
            loss = bc_loss(pred, expert[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running:.4f}")

    policy.eval()
    with torch.no_grad():
        sample = policy(word_ids[:1], word_mask[:1], joints[:1])
    print("first chunk gripper logits:", sample[0, :, -1].tolist())


if __name__ == "__main__":
    main()
